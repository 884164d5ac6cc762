using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Mai.Packaging.Tests;

/// <summary>
/// Every C# snippet of the README compiles as pasted into a new console app that references the packed packages: its own
/// usings at the top, its statements, then its types (where a top-level program allows them). The only things a snippet
/// may take from outside are the variables its prose names: <c>client</c> (the quick start's), <c>endpoint</c>, <c>json</c>.
/// </summary>
public partial class ReadmeSnippetTests
{
    private static readonly (string Name, string Type)[] Context =
    [
        ("client", "global::Mai.Client.MaiClient"),
        ("endpoint", "global::System.Uri"),
        ("json", "string"),
        ("args", "string[]"),
    ];

    [Fact]
    public async Task Readme_EveryCSharpSnippet_CompilesAsPastedAgainstThePackedPackages()
    {
        var root = RepositoryRoot();
        var snippets = Snippets(await File.ReadAllTextAsync(Path.Combine(root, "README.md"), TestContext.Current.CancellationToken));
        Assert.True(snippets.Count >= 8, $"expected the README's C# snippets, found {snippets.Count}");

        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var work = Directory.CreateTempSubdirectory("mai-readme-test-");
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            var version = $"0.1.0-readme.{DateTime.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000):000}";
            foreach (var project in new[] { "src/Mai.Client/Mai.Client.csproj", "src/Mai.Client.Redis/Mai.Client.Redis.csproj", "src/Mai.Emulator/Mai.Emulator.csproj" })
            {
                await RunAsync(root, ["pack", project, "-c", configuration, "--no-build", "-o", feed, $"-p:Version={version}"]);
            }

            var app = Path.Combine(work.FullName, "app");
            Directory.CreateDirectory(app);
            await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="local" value="{feed}" />
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
                    <!-- Snippets are fragments: an unused variable or an unawaited example is not the point here. -->
                    <NoWarn>$(NoWarn);CS0168;CS0219;CS8321;CS1998</NoWarn>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Mai.Client" Version="{version}" />
                    <PackageReference Include="Mai.Client.Redis" Version="{version}" />
                    <PackageReference Include="Mai.Emulator" Version="{version}" />
                    <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.15" />
                    <PackageReference Include="Microsoft.Agents.AI" Version="1.28.0" />
                    <PackageReference Include="xunit.v3.assert" Version="3.2.2" />
                  </ItemGroup>
                </Project>
                """, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), "return;\n", TestContext.Current.CancellationToken);
            for (var i = 0; i < snippets.Count; i++)
            {
                await File.WriteAllTextAsync(Path.Combine(app, $"Snippet{i + 1}.cs"), AsFile(i + 1, snippets[i]), TestContext.Current.CancellationToken);
            }

            await RunAsync(app, ["build", "-c", "Release"]);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The ```csharp blocks of the README, with the line each starts on.</summary>
    private static List<(int Line, string Code)> Snippets(string readme)
    {
        var result = new List<(int, string)>();
        var lines = readme.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() != "```csharp")
            {
                continue;
            }

            var start = i + 1;
            var code = new StringBuilder();
            for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
            {
                code.AppendLine(lines[i].TrimEnd('\r'));
            }

            result.Add((start, code.ToString()));
        }

        return result;
    }

    /// <summary>
    /// One snippet as its own file: its usings, its statements inside a method (so several top-level "programs" can share one
    /// project), then its types. Types before statements would not compile as a top-level program, so that fails here too.
    /// </summary>
    private static string AsFile(int number, (int Line, string Code) snippet)
    {
        var usings = new StringBuilder();
        var body = new StringBuilder();
        var types = new StringBuilder();
        foreach (var line in snippet.Code.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (UsingDirective().IsMatch(line) && body.ToString().Trim().Length == 0)
            {
                usings.AppendLine(line);
            }
            else if (TypeDeclaration().IsMatch(line))
            {
                types.AppendLine(line);
            }
            else if (types.Length > 0 && line.Trim().Length > 0)
            {
                Assert.Fail($"README line {snippet.Line}: the snippet has statements after a type declaration, which a top-level program does not allow.");
            }
            else
            {
                body.AppendLine(line);
            }
        }

        var code = body.ToString();
        var parameters = Context
            .Where(c => Regex.IsMatch(code, $@"\b{c.Name}\b") && !Regex.IsMatch(code, $@"\b(var|{Regex.Escape(c.Type)})\s+{c.Name}\b"))
            .Select(c => $"{c.Type} {c.Name}");
        return $"""
            // README.md, snippet starting on line {snippet.Line}
            {usings}
            internal static class Snippet{number}
            {"{"}
                internal static async global::System.Threading.Tasks.Task RunAsync({string.Join(", ", parameters)})
                {"{"}
            {code}
                {"}"}
            {"}"}

            {types}
            """;
    }

    [GeneratedRegex(@"^using (static )?[\w.]+;\s*(//.*)?$")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^(public |internal )?(sealed |static |abstract )?(partial )?(record|class|struct|enum|interface) ")]
    private static partial Regex TypeDeclaration();

    private static async Task RunAsync(string directory, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
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

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"'dotnet {string.Join(' ', arguments)}' in {directory} exited {process.ExitCode}:\n{output}");
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
