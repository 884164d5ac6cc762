using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mai.Client.Tests.Transport;

/// <summary>One request as the loopback server received it.</summary>
public sealed class RecordedRequest
{
    public required string Method { get; init; }

    public required string Target { get; init; }

    public required List<KeyValuePair<string, string>> Headers { get; init; }

    public required string Body { get; init; }

    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
}

/// <summary>A scripted reply: a fixed body (Content-Length), or body parts written and flushed one by one on a connection closed at the end.</summary>
public sealed class ScriptedReply
{
    public int Status { get; init; } = 200;

    public string Reason { get; init; } = "OK";

    public List<KeyValuePair<string, string>> Headers { get; init; } = [];

    public byte[]? Body { get; init; }

    public IReadOnlyList<byte[]>? Parts { get; init; }

    /// <summary>Wait (until the server is disposed) before sending the headers.</summary>
    public bool StallBeforeHeaders { get; init; }

    /// <summary>After the parts, wait (until the server is disposed) instead of closing.</summary>
    public bool StallAfterParts { get; init; }

    /// <summary>Abort the connection (TCP RST) right after reading the request, before any response byte.</summary>
    public bool ResetBeforeHeaders { get; init; }

    /// <summary>After the headers and the parts, abort the connection (TCP RST) instead of closing it cleanly.</summary>
    public bool ResetAfterParts { get; init; }

    public static ScriptedReply Json(string body, int status = 200, string reason = "OK", params (string Name, string Value)[] headers) => new()
    {
        Status = status,
        Reason = reason,
        Headers = [new("Content-Type", "application/json"), .. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))],
        Body = Encoding.UTF8.GetBytes(body),
    };

    public static ScriptedReply Sse(IEnumerable<string> events, bool done = true, bool stall = false) => new()
    {
        Headers = [new("Content-Type", "text/event-stream; charset=utf-8")],
        Parts = [.. events.Select(e => Encoding.UTF8.GetBytes("data: " + e + "\n\n")), .. done ? new[] { "data: [DONE]\n\n"u8.ToArray() } : []],
        StallAfterParts = stall,
    };
}

/// <summary>A raw HTTP/1.1 server on 127.0.0.1 that records requests and answers with scripted bytes.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<RecordedRequest, int, ScriptedReply> _handler;
    private readonly List<RecordedRequest> _requests = [];
    private readonly Task _acceptLoop;

    public LoopbackServer(Func<RecordedRequest, int, ScriptedReply> handler)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _acceptLoop = AcceptAsync();
    }

    public LoopbackServer(params ScriptedReply[] replies)
        : this((_, i) => replies[Math.Min(i, replies.Length - 1)])
    {
    }

    public Uri Endpoint { get; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Completes when a reply is stalling: before its headers, or after writing all its parts.</summary>
    public TaskCompletionSource Stalling { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var requestLine = await ReadLineAsync(stream);
                if (string.IsNullOrEmpty(requestLine))
                {
                    return;
                }

                var headers = new List<KeyValuePair<string, string>>();
                string? line;
                while (!string.IsNullOrEmpty(line = await ReadLineAsync(stream)))
                {
                    var colon = line.IndexOf(':');
                    headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
                }

                var body = await ReadBodyAsync(stream, headers);
                var parts = requestLine.Split(' ');
                var request = new RecordedRequest { Method = parts[0], Target = parts[1], Headers = headers, Body = body };
                int index;
                lock (_requests)
                {
                    _requests.Add(request);
                    index = _requests.Count - 1;
                }

                var reply = _handler(request, index);
                if (reply.ResetBeforeHeaders)
                {
                    Reset(client);
                    return;
                }

                if (reply.StallBeforeHeaders)
                {
                    Stalling.TrySetResult();
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                var head = new StringBuilder($"HTTP/1.1 {reply.Status} {reply.Reason}\r\n");
                foreach (var (name, value) in reply.Headers)
                {
                    head.Append(name).Append(": ").Append(value).Append("\r\n");
                }

                if (reply.Parts is null)
                {
                    var bytes = reply.Body ?? [];
                    head.Append("Content-Length: ").Append(bytes.Length).Append("\r\n\r\n");
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
                    await stream.WriteAsync(bytes, _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                    continue;
                }

                head.Append("Connection: close\r\n\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
                foreach (var part in reply.Parts)
                {
                    await stream.WriteAsync(part, _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                }

                if (reply.StallAfterParts)
                {
                    Stalling.TrySetResult();
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                if (reply.ResetAfterParts)
                {
                    Reset(client);
                }

                return; // closing the connection ends the body
            }
        }
        catch
        {
            // client went away or server stopped
        }
    }

    /// <summary>Closes with linger 0, which sends a TCP RST: the client sees "connection reset", not an end of stream.</summary>
    private static void Reset(TcpClient client)
    {
        client.Client.LingerState = new LingerOption(true, 0);
        client.Client.Close();
    }

    private static async Task<string> ReadBodyAsync(NetworkStream stream, List<KeyValuePair<string, string>> headers)
    {
        var lengthHeader = headers.FirstOrDefault(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value;
        if (int.TryParse(lengthHeader, out var length) && length > 0)
        {
            var buffer = new byte[length];
            await stream.ReadExactlyAsync(buffer);
            return Encoding.UTF8.GetString(buffer);
        }

        var chunked = headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase));
        if (!chunked)
        {
            return string.Empty;
        }

        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(stream) ?? "0";
            var size = Convert.ToInt32(sizeLine.Split(';')[0], 16);
            if (size == 0)
            {
                await ReadLineAsync(stream);
                return Encoding.UTF8.GetString(body.ToArray());
            }

            var chunk = new byte[size];
            await stream.ReadExactlyAsync(chunk);
            body.Write(chunk);
            await ReadLineAsync(stream);
        }
    }

    private static async Task<string?> ReadLineAsync(NetworkStream stream)
    {
        var sb = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return sb.Length == 0 ? null : sb.ToString();
            }

            if (one[0] == '\n')
            {
                return sb.ToString().TrimEnd('\r');
            }

            sb.Append((char)one[0]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch
        {
        }

        _stop.Dispose();
    }
}
