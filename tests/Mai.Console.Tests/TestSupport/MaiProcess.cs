using System.Diagnostics;

namespace Mai.Console.Tests.TestSupport;

/// <summary>Runs the built <c>mai</c> (mai.dll beside the tests) as a real process: real pipes, a real current folder, real exit codes.</summary>
internal static class MaiProcess
{
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(
        string[] args, string? stdin = null, string? workingDirectory = null, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mai.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A user's own settings must not leak into the test: no endpoint, no key, no usage database.
        foreach (var name in (string[])["AZURE_AI_CHAT_ENDPOINT", "AZURE_AI_CHAT_KEY", "AZURE_AI_CHAT_MODEL", "Mai__Endpoint", "Mai__ApiKey", "Mai__Model"])
        {
            start.Environment.Remove(name);
        }

        start.Environment["MAI_USAGE_DB"] = "none";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
