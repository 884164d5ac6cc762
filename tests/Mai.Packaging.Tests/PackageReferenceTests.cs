using System.Diagnostics;
using System.IO.Compression;

namespace Mai.Packaging.Tests;

public class PackageReferenceTests
{
    [Fact]
    public async Task Pack_AppReferencingThePackages_RestoresBuildsAndRunsAgainstTheEmulator()
    {
        var root = RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var work = Directory.CreateTempSubdirectory("mai-package-test-");
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            var version = $"0.1.0-pkgtest.{DateTime.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000):000}";
            foreach (var project in new[] { "src/Mai.Client/Mai.Client.csproj", "src/Mai.Emulator/Mai.Emulator.csproj" })
            {
                await RunAsync(root, "dotnet", $"pack {project} -c {configuration} --no-build -o \"{feed}\" -p:Version={version}");
            }

            AssertPackageContents(Path.Combine(feed, $"Mai.Client.{version}.nupkg"), "README.md", "lib/net10.0/Mai.Client.dll", "lib/net10.0/Mai.Client.xml");
            Assert.True(File.Exists(Path.Combine(feed, $"Mai.Client.{version}.snupkg")), "the symbols package is missing");
            AssertPackageContents(Path.Combine(feed, $"Mai.Emulator.{version}.nupkg"), "README.md", "lib/net10.0/Mai.Emulator.dll");

            var app = Path.Combine(work.FullName, "app");
            Directory.CreateDirectory(app);
            await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
                  </packageSources>
                </configuration>
                """, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <WarningsNotAsErrors>NU1603</WarningsNotAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Mai.Client" Version="{version}" />
                    <PackageReference Include="Mai.Emulator" Version="{version}" />
                  </ItemGroup>
                </Project>
                """, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
                using Mai.Client;
                using Mai.Emulator;

                await using var emulator = await MaiEmulator.StartAsync();
                using var client = new MaiClient(new MaiClientOptions { Endpoint = emulator.Endpoint, ApiKey = emulator.ApiKey, Model = "MAI-Thinking-1" });
                var result = await client.AskAsync("Why is the sky blue?");
                Console.WriteLine($"answer-ok={result.Answer.Length > 0 && !result.Answer.Contains("<think>")}");
                Console.WriteLine($"reasoning-ok={result.Reasoning?.Length > 0}");
                Console.WriteLine($"output-tokens={result.Usage?.OutputTokenCount}");
                """, TestContext.Current.CancellationToken);

            var output = await RunAsync(app, "dotnet", "run -c Release");

            Assert.Contains("answer-ok=True", output);
            Assert.Contains("reasoning-ok=True", output);
            Assert.Matches(@"output-tokens=[1-9]\d*", output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static void AssertPackageContents(string package, params string[] entries)
    {
        using var zip = ZipFile.OpenRead(package);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            Assert.True(names.Contains(entry), $"{Path.GetFileName(package)} lacks {entry}; it has: {string.Join(", ", names)}");
        }

        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var reader = new StreamReader(nuspec.Open());
        var text = reader.ReadToEnd();
        Assert.Contains("<license type=\"expression\">MIT</license>", text);
        Assert.Contains("<readme>README.md</readme>", text);
        Assert.Contains("<repository type=\"git\"", text);
    }

    private static async Task<string> RunAsync(string directory, string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
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

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"'{file} {arguments}' in {directory} exited {process.ExitCode}:\n{output}");
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
