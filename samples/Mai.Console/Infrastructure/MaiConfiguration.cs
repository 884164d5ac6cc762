using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mai.Console.Infrastructure;

/// <summary>
/// The configuration of the real <c>mai</c> process in the usual precedence (later wins): appsettings.json beside mai, then in
/// the current folder (and appsettings.{Environment}.json), user secrets, environment variables (Mai__Endpoint, …); the
/// command-line flags win over all of them.
/// </summary>
internal static partial class MaiConfiguration
{
    /// <summary>Builds the configuration, or throws <see cref="ArgumentException"/> naming the file and line of a malformed JSON file.</summary>
    public static IConfiguration Build(string currentDirectory)
    {
        try
        {
            var host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = currentDirectory });
            host.Logging.ClearProviders();
            host.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                Path = Path.Combine(AppContext.BaseDirectory, "appsettings.json"),
                Optional = true,
                ReloadOnChange = false,
            });
            host.Configuration.AddUserSecrets(Assembly.GetExecutingAssembly(), optional: true);
            host.Configuration.AddEnvironmentVariables();
            return host.Configuration;
        }
        catch (InvalidDataException ex)
        {
            throw new ArgumentException(Describe(ex), ex);
        }
    }

    /// <summary><c>/path/appsettings.json is not valid JSON: line 3, column 18: ',' is an invalid start of a property name.</c></summary>
    internal static string Describe(InvalidDataException exception)
    {
        var file = FileName().Match(exception.Message) is { Success: true } match ? match.Groups[1].Value : "a configuration file";
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException { LineNumber: { } line } json)
            {
                var reason = json.Message;
                var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
                reason = (cut > 0 ? reason[..cut] : reason).TrimEnd();
                var column = json.BytePositionInLine is { } position ? $", column {position + 1}" : string.Empty;
                return $"{file} is not valid JSON: line {line + 1}{column}: {reason}";
            }
        }

        return $"{file} could not be read: {ErrorReporter.FirstLine(exception.InnerException?.Message ?? exception.Message)}";
    }

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex FileName();
}
