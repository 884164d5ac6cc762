using System.Text;
using Mai.Client.Tests.Transport;
using Mai.Emulator;

namespace Mai.Client.Tests.Integration.Proof;

/// <summary>Where a fault is produced: the emulator's fault script, or raw bytes from <see cref="LoopbackServer"/>.</summary>
internal enum FaultSource
{
    Emulator,
    Raw,
}

/// <summary>
/// One fault kind of the proof matrix. An emulator fault is a fault-script entry (<see cref="EmulatorFault.Parse"/>) queued
/// before each call; a raw fault is the first reply of each call, as bytes (built for the transport's wire dialect), every later
/// request of the call being answered normally. A stall is special-cased by the rig (timeouts on the fake clock).
/// </summary>
internal sealed record ProofFault(string Name, FaultSource Source, string? Script = null, Func<RawWire, bool, ScriptedReply>? Reply = null, int Calls = 3, bool StreamOnly = false, bool Stall = false)
{
    /// <summary>The marker key: the API key every proof client uses, searched for in every sink.</summary>
    public const string Marker = "sk-PROOF-MARKER-4f1d9c27e0b84a6b";

    private const int OneMegabyte = 1 << 20;

    public override string ToString() => Name;

    public static IReadOnlyList<ProofFault> All { get; } =
    [
        Emu("429 retry-after", "429;retry-after=1"),
        Emu("429 retry-after-ms", "429;retry-after-ms=200"),
        Emu("429 x-ms-retry-after-ms", "429;x-ms-retry-after-ms=300"),
        Emu("429 no retry header", "429;retry-after=none"),
        Emu("500", "500"),
        Emu("502", "502"),
        Emu("503", "503"),
        Emu("reset before headers", "reset"),
        Raw("reset after headers", (w, s) => Reset(Respond(s, []))),
        Raw("reset after usage", (w, s) => Reset(Respond(s, [Utf8(s ? UpToUsage(w) : w.OkJson)], ("Content-Length", s ? null : "100000")))),
        Raw("unmet content-length", (w, s) => Respond(s, [Utf8(s ? w.OkStreamBody() : w.OkJson)[..20]], ("Content-Length", "100000"))),
        Raw("bad chunked framing", (w, s) => Respond(s, [Utf8("5\r\n"), Utf8(s ? w.OkStreamBody() : w.OkJson)[..5], Utf8("\r\nZZ\r\n")], ("Transfer-Encoding", "chunked"))),
        Emu("mid-stream cut (first event)", "cut;after=1"),
        Emu("mid-stream cut (after output)", "cut;after=4"),
        Emu("truncated stream", "truncate;after=2"),
        new("stall before first byte", FaultSource.Emulator, Script: "stall", Calls: 2, Stall: true),
        new("stall after output", FaultSource.Emulator, Script: "stall;after=3", Calls: 2, Stall: true),
        Emu("malformed JSON", "malformed"),
        Emu("malformed SSE event", "malformed;after=2"),
        Raw("malformed SSE framing", (w, s) => Respond(s, [Utf8(s ? "data: {\"unterminated\n\ndata: [DONE]\n\n" : "{\"choices\":[{\"message\":")])),
        Raw("negative usage", (w, s) => Ok(w, s, t => t.Replace("\"prompt_tokens\":5", "\"prompt_tokens\":-100000", StringComparison.Ordinal).Replace("\"input_tokens\":25", "\"input_tokens\":-100000", StringComparison.Ordinal))),
        Raw("1e30 usage", (w, s) => Ok(w, s, t => t.Replace("\"completion_tokens\":3", "\"completion_tokens\":1e30", StringComparison.Ordinal).Replace("\"output_tokens\":2", "\"output_tokens\":1e30", StringComparison.Ordinal))),
        Emu("content filter (400)", "content-filter"),
        Raw("content filter mid-stream", (w, s) => Ok(w, s, t => t.Replace("\"finish_reason\":\"stop\"", "\"finish_reason\":\"content_filter\"", StringComparison.Ordinal).Replace("\"end_turn\"", "\"refusal\"", StringComparison.Ordinal))),
        Emu("context length", "context-length"),
        Emu("in-band error before output", "stream-error;after=0"),
        Emu("in-band error after output", "stream-error;after=3"),
        Raw("in-band 429 before output", (w, s) => s
            ? Respond(s, [Utf8(RawWire.Sse([w.IsMessages ? """{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""" : """{"error":{"code":"rate_limit_exceeded","message":"slow down"}}"""]))])
            : ScriptedReply.Json("""{"error":{"code":"rate_limit_exceeded","message":"slow down"}}""", 429, "Too Many Requests", ("retry-after-ms", "100"))),
        Raw("redirect to another origin", (w, s) => new ScriptedReply { Status = 307, Reason = "Temporary Redirect", Headers = [new("Location", "http://127.0.0.2:9/steal?key=x")], Body = [] }),
        Raw("redirect loop (same origin)", (w, s) => new ScriptedReply { Status = 302, Reason = "Found", Headers = [new("Location", "/models/chat/completions")], Body = [] }),
        Raw("<think> + 1 MB of '<'", (w, s) => Answer(w, s, "<think>" + new string('<', OneMegabyte)), Calls: 1),
        Raw("1 MB without spaces, no usage", (w, s) => Answer(w, s, new string('a', OneMegabyte), usage: false), Calls: 1),
        Raw("invalid UTF-8", (w, s) => InvalidUtf8(w, s)),
        Raw("lone surrogate", (w, s) => Ok(w, s, t => t.Replace("\"Hi\"", "\"half \\ud800 pair\"", StringComparison.Ordinal))),
        Raw("UTF-8 BOM", (w, s) => Respond(s, [[0xEF, 0xBB, 0xBF], Utf8(s ? w.OkStreamBody() : w.OkJson)])),
        Raw("CR-only line endings", (w, s) => Respond(s, [Utf8((s ? w.OkStreamBody() : w.OkJson).Replace("\n", "\r", StringComparison.Ordinal))])),
        Raw("oversize SSE line (9 MB)", (w, s) => Respond(s, [Utf8("data: {\"id\":\"" + new string('x', 9 * OneMegabyte) + "\"}\n\n")]), Calls: 1),
        Raw("text/html answer", (w, s) => new ScriptedReply { Headers = [new("Content-Type", "text/html; charset=utf-8")], Body = Utf8("<html><body>sign in</body></html>") }),
        Raw("204 answer", (w, s) => new ScriptedReply { Status = 204, Reason = "No Content", Body = [] }),
        Raw("empty choices", (w, s) => EmptyChoices(w, s)),
        Raw("only the end marker", (w, s) => Respond(s, [Utf8(s ? (w.IsMessages ? RawWire.Sse(["""{"type":"message_stop"}"""]) : "data: [DONE]\n\n") : "{}")])),
        Raw("trailing garbage", (w, s) => Ok(w, s, t => s ? t + "garbage\n\n" : t + "}{")),
        Raw("ping flood", (w, s) => Respond(s, [Utf8(string.Concat(Enumerable.Repeat(": ping\n\n", 20_000))), Utf8(w.OkStreamBody())]), StreamOnly: true),
        Raw("key echoed in a 401", (w, s) => ScriptedReply.Json($$$"""{"error":{"code":"invalid_api_key","message":"Incorrect API key provided: {{{Marker}}}.","param":"{{{Marker}}}"}}""", 401, "Unauthorized")),
        Raw("key echoed in a stream error", (w, s) => s
            ? Respond(s, [Utf8(RawWire.Sse([w.IsMessages ? $$$"""{"type":"error","error":{"type":"api_error","message":"key {{{Marker}}} rejected"}}""" : $$$"""{"error":{"code":"server_error","message":"key {{{Marker}}} rejected"}}"""]))])
            : ScriptedReply.Json($$$"""{"error":{"code":"server_error","message":"key {{{Marker}}} rejected"}}""", 500, "Internal Server Error")),
    ];

    private static ProofFault Emu(string name, string script) => new(name, FaultSource.Emulator, Script: script);

    private static ProofFault Raw(string name, Func<RawWire, bool, ScriptedReply> reply, int Calls = 3, bool StreamOnly = false) =>
        new(name, FaultSource.Raw, Reply: reply, Calls: Calls, StreamOnly: StreamOnly);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A reply with the content type of the mode, the given body parts and extra headers (a null value is left out).</summary>
    private static ScriptedReply Respond(bool streaming, IReadOnlyList<byte[]> parts, params (string Name, string? Value)[] headers) => new()
    {
        Headers =
        [
            new("Content-Type", streaming ? "text/event-stream" : "application/json"),
            new("x-request-id", "req-proof"),
            .. headers.Where(h => h.Value is not null).Select(h => new KeyValuePair<string, string>(h.Name, h.Value!)),
        ],
        Parts = parts,
    };

    private static ScriptedReply Reset(ScriptedReply reply) => new()
    {
        Status = reply.Status,
        Reason = reply.Reason,
        Headers = reply.Headers,
        Parts = reply.Parts,
        ResetAfterParts = true,
    };

    /// <summary>The normal answer of the mode, edited.</summary>
    private static ScriptedReply Ok(RawWire wire, bool streaming, Func<string, string> edit) =>
        Respond(streaming, [Utf8(edit(streaming ? wire.OkStreamBody() : wire.OkJson))]);

    private static ScriptedReply Answer(RawWire wire, bool streaming, string text, bool usage = true) =>
        Respond(streaming, [Utf8(streaming ? wire.StreamAnswer(text.Chunk(64 * 1024).Select(c => new string(c)), usage) : wire.JsonAnswer(text, usage))]);

    /// <summary>The stream up to and including its usage, without the end marker.</summary>
    private static string UpToUsage(RawWire wire) => RawWire.Sse(wire.IsMessages ? wire.OkEvents[..^1] : wire.OkEvents);

    private static ScriptedReply InvalidUtf8(RawWire wire, bool streaming)
    {
        var body = Utf8((streaming ? wire.OkStreamBody() : wire.OkJson).Replace("\"Hi\"", "\"H\u00e9X\"", StringComparison.Ordinal));
        body[Array.IndexOf(body, (byte)'X')] = 0xFF;
        return Respond(streaming, [body]);
    }

    private static ScriptedReply EmptyChoices(RawWire wire, bool streaming)
    {
        if (wire.IsMessages)
        {
            return Ok(wire, streaming, t => streaming
                ? RawWire.Sse([wire.OkEvents[0], wire.OkEvents[4], wire.OkEvents[5]])
                : t.Replace("[{\"type\":\"text\",\"text\":\"Hi\"}]", "[]", StringComparison.Ordinal));
        }

        const string usage = "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}";
        return Respond(streaming, [Utf8(streaming ? RawWire.Sse(["{\"id\":\"c\",\"choices\":[]," + usage + "}"]) + "data: [DONE]\n\n" : "{\"id\":\"x\",\"choices\":[]," + usage + "}")]);
    }
}
