using System.Globalization;

namespace Mai.Emulator;

/// <summary>
/// <c>dotnet run --project src/Mai.Emulator -- [--port 5080] [--model NAME ...] [--api-key KEY|--no-auth] [--seed N] [--reject-unknown-models]</c>.
/// Prints the endpoint on one line on stdout, and on stderr its key (or that it runs <c>--no-auth</c>), then runs until Ctrl+C. <c>--model</c> picks built-in models by name (repeatable);
/// an unknown name becomes a plain model with that name.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var options = new MaiEmulatorOptions();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--port":
                        options.Port = int.Parse(Next(args, ref i), CultureInfo.InvariantCulture);
                        break;
                    case "--model":
                        var name = Next(args, ref i);
                        options.Models.Add(EmulatedModel.Defaults.FirstOrDefault(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                            ?? new EmulatedModel { Name = name });
                        break;
                    case "--api-key":
                        options.ApiKey = Next(args, ref i);
                        break;
                    case "--no-auth":
                        options.ApiKey = null;
                        break;
                    case "--seed":
                        options.Seed = long.Parse(Next(args, ref i), CultureInfo.InvariantCulture);
                        break;
                    case "--reject-unknown-models":
                        options.RejectUnknownModels = true;
                        break;
                    default:
                        throw new FormatException($"Unknown argument '{args[i]}'.");
                }
            }
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            await Console.Error.WriteLineAsync("usage: Mai.Emulator [--port N] [--model NAME ...] [--api-key KEY|--no-auth] [--seed N] [--reject-unknown-models]").ConfigureAwait(false);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        var emulator = await MaiEmulator.StartAsync(options, stop.Token).ConfigureAwait(false);
        await using (emulator.ConfigureAwait(false))
        {
            // stdout: the endpoint alone (scripts read it); stderr: how to authenticate, for the person who started it.
            var endpoint = emulator.Endpoint.ToString().TrimEnd('/');
            await Console.Out.WriteLineAsync(endpoint).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(AuthLine(endpoint, emulator.ApiKey)).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return 0;
    }

    /// <summary>What a client passes: the emulator's key (a local test key, not a secret), or that any key is accepted.</summary>
    internal static string AuthLine(string endpoint, string? apiKey) => apiKey is null
        ? $"Mai.Emulator: no auth (--no-auth): any key, or none, is accepted. mai: mai --endpoint {endpoint} --key any \"…\""
        : $"Mai.Emulator: api-key {apiKey} (send it as the api-key header). mai: mai --endpoint {endpoint} --key {apiKey} \"…\"";

    private static string Next(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new FormatException($"Argument '{args[i - 1]}' needs a value.");
}
