using System.Diagnostics;
using System.IO.Compression;

namespace Mai.Packaging.Tests;

/// <summary><c>mai</c> as a .NET tool: packed from samples/Mai.Console, installed offline from a local feed, run as a user would.</summary>
public class ToolPackageTests
{
    [Fact]
    public async Task Pack_ConsoleAsATool_InstallsOfflineFromALocalFeedAndAnswers()
    {
        var root = RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var work = Directory.CreateTempSubdirectory("mai-tool-test-");
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            var version = $"0.1.0-tooltest.{DateTime.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000):000}";
            await RunAsync(root, "dotnet", ["pack", "samples/Mai.Console/Mai.Console.csproj", "-c", configuration, "--no-build", "-o", feed, $"-p:Version={version}"]);

            var package = Path.Combine(feed, $"Mai.Console.{version}.nupkg");
            using (var zip = ZipFile.OpenRead(package))
            {
                var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
                Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", names);
                Assert.Contains("tools/net10.0/any/mai.dll", names);
                Assert.Contains("README.md", names);
                using var settings = new StreamReader(zip.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open());
                Assert.Contains("<Command Name=\"mai\" EntryPoint=\"mai.dll\" Runner=\"dotnet\" />", await settings.ReadToEndAsync(TestContext.Current.CancellationToken));
            }

            // Offline: the only package source is the local feed.
            var config = Path.Combine(work.FullName, "nuget.config");
            await File.WriteAllTextAsync(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """, TestContext.Current.CancellationToken);
            var tools = Path.Combine(work.FullName, "tools");
            var install = await RunAsync(work.FullName, "dotnet", ["tool", "install", "Mai.Console", "--tool-path", tools, "--version", version, "--configfile", config]);
            Assert.Contains("You can invoke the tool using the following command: mai", install);

            var mai = Path.Combine(tools, OperatingSystem.IsWindows() ? "mai.exe" : "mai");
            Assert.Matches(@"^mai \d+\.\d+\.\d+", await RunAsync(work.FullName, mai, ["--version"]));
            var answer = await RunAsync(work.FullName, mai, ["Why is the sky blue?"], stdoutOnly: true);
            Assert.StartsWith("Here is a short answer about sky blue.", answer);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<string> RunAsync(string directory, string file, string[] arguments, bool stdoutOnly = false)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MAI_USAGE_DB"] = "none";
        start.Environment.Remove("AZURE_AI_CHAT_ENDPOINT");
        start.Environment.Remove("AZURE_AI_CHAT_KEY");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = stdoutOnly ? await stdout : await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"'{file} {string.Join(' ', arguments)}' in {directory} exited {process.ExitCode}:\n{output}{(stdoutOnly ? await stderr : string.Empty)}");
        return output;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mai.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Mai.sln not found above " + AppContext.BaseDirectory);
    }
}
