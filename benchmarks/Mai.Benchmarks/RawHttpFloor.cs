using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Mai.Benchmarks;

/// <summary>
/// The floor: what a hand-written client must do at least. POST pre-built body bytes with <see cref="HttpClient"/>, read the
/// response into a pooled buffer and pull out the answer, tool calls and usage with <see cref="Utf8JsonReader"/>; for streams,
/// split SSE lines in a pooled buffer and parse each <c>data:</c> payload the same way, surfacing each delta as a string.
/// </summary>
public sealed class RawHttpFloor(HttpClient http, Uri uri, string apiKey)
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    public readonly record struct Completion(string? Text, int ToolCalls, long TotalTokens, string? FinishReason);

    public readonly record struct Delta(string? Text, string? FinishReason, long TotalTokens);

    public async Task<Completion> CompleteAsync(byte[] body, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(body);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var length = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            return ParseCompletion(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async IAsyncEnumerable<Delta> StreamAsync(byte[] body, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(body);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int start = 0, end = 0;
            while (true)
            {
                var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    if (start > 0)
                    {
                        buffer.AsSpan(start, end - start).CopyTo(buffer);
                        end -= start;
                        start = 0;
                    }

                    if (end == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, end).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        yield break;
                    }

                    end += read;
                    continue;
                }

                var lineLength = newline;
                var lineStart = start;
                start += newline + 1;
                if (lineLength < 6 || !buffer.AsSpan(lineStart, 5).SequenceEqual("data:"u8))
                {
                    continue;
                }

                var data = buffer.AsSpan(lineStart + 5, lineLength - 5).Trim((byte)' ').TrimEnd((byte)'\r');
                if (data.SequenceEqual("[DONE]"u8))
                {
                    yield break;
                }

                var delta = ParseChunk(data);
                if (delta.Text is not null || delta.FinishReason is not null || delta.TotalTokens > 0)
                {
                    yield return delta;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private HttpRequestMessage CreateRequest(byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = s_json;
        request.Headers.TryAddWithoutValidation("api-key", apiKey);
        return request;
    }

    private static Completion ParseCompletion(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? text = null, finish = null;
        int toolCalls = 0;
        long total = 0;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("message"u8))
                        {
                            reader.Read();
                            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                            {
                                if (reader.ValueTextEquals("content"u8))
                                {
                                    reader.Read();
                                    text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                                }
                                else if (reader.ValueTextEquals("tool_calls"u8))
                                {
                                    reader.Read();
                                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                                    {
                                        toolCalls += ReadToolCall(ref reader);
                                    }
                                }
                                else
                                {
                                    reader.Read();
                                    reader.Skip();
                                }
                            }
                        }
                        else if (reader.ValueTextEquals("finish_reason"u8))
                        {
                            reader.Read();
                            finish = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                total = ReadTotal(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new Completion(text, toolCalls, total, finish);
    }

    /// <summary>Reads id, name and arguments of one tool call (as strings, as a caller needs them).</summary>
    private static int ReadToolCall(ref Utf8JsonReader reader)
    {
        string? id = null, name = null, arguments = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.GetString();
            }
            else if (reader.ValueTextEquals("function"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isName = reader.ValueTextEquals("name"u8);
                    var isArguments = reader.ValueTextEquals("arguments"u8);
                    reader.Read();
                    if (isName)
                    {
                        name = reader.GetString();
                    }
                    else if (isArguments)
                    {
                        arguments = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return id is not null && name is not null && arguments is not null ? 1 : 0;
    }

    private static Delta ParseChunk(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? text = null, finish = null;
        long total = 0;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("delta"u8))
                        {
                            reader.Read();
                            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                            {
                                if (reader.ValueTextEquals("content"u8))
                                {
                                    reader.Read();
                                    text = reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0 ? reader.GetString() : null;
                                }
                                else
                                {
                                    reader.Read();
                                    reader.Skip();
                                }
                            }
                        }
                        else if (reader.ValueTextEquals("finish_reason"u8))
                        {
                            reader.Read();
                            finish = reader.TokenType == JsonTokenType.String ? (reader.ValueTextEquals("stop"u8) ? "stop" : reader.GetString()) : null;
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                total = ReadTotal(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new Delta(text, finish, total);
    }

    private static long ReadTotal(ref Utf8JsonReader reader)
    {
        long total = 0;
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return 0;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isTotal = reader.ValueTextEquals("total_tokens"u8);
            reader.Read();
            if (isTotal && reader.TokenType == JsonTokenType.Number)
            {
                total = reader.GetInt64();
            }
            else
            {
                reader.Skip();
            }
        }

        return total;
    }
}
