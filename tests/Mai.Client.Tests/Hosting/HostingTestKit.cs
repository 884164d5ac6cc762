using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace Mai.Client.Tests.Hosting;

/// <summary>Configuration and HTTP helpers for the hosting tests.</summary>
internal static class HostingTestKit
{
    /// <summary>A key that must never show up in a message, log or exception.</summary>
    public const string SecretKey = "sk-hosting-NEVER-SHOW-7f3a9c";

    /// <summary>Builds configuration from JSON text, as appsettings.json would load it.</summary>
    public static IConfigurationRoot Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    /// <summary>Builds configuration from key/value pairs, as environment variables or an in-memory source would; a later pair replaces an earlier one.</summary>
    public static IConfigurationRoot Pairs(params (string Key, string? Value)[] pairs)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in pairs)
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>A cancellation token that fails a loopback test after 30 seconds instead of letting it hang.</summary>
    public static CancellationToken CallTimeout()
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        return cts.Token;
    }
}

/// <summary>Records every request URI that passes through the handlers created over it.</summary>
internal sealed class RequestRecorder
{
    public ConcurrentQueue<Uri> Requests { get; } = new();

    public DelegatingHandler CreateHandler() => new RecordingHandler(this);

    private sealed class RecordingHandler(RequestRecorder recorder) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            recorder.Requests.Enqueue(request.RequestUri!);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
