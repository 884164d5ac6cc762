using Microsoft.AspNetCore.Http;

namespace Mai.Emulator;

internal sealed partial class ChatEndpoint
{
    private static readonly TimeSpan CutGrace = TimeSpan.FromMilliseconds(100);

    private static readonly byte[] InBandError =
        "data: {\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":\"server_error\"}}\n\n"u8.ToArray();

    private async Task WriteCompletionAsync(HttpContext context, CompletionPlan plan, EmulatorFault? fault, string id, long created, CancellationToken ct)
    {
        var body = CompletionJson.Build(plan, id, created);
        await state.DelayAsync(plan.Model.TimeToFirstToken + TokenTime(plan.Model, plan.CompletionTokens), ct).ConfigureAwait(false);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json; charset=utf-8";
        switch (fault?.Kind)
        {
            case EmulatorFaultKind.Stall when fault.AfterChunks is not null:
                await response.StartAsync(ct).ConfigureAwait(false);
                await response.Body.FlushAsync(ct).ConfigureAwait(false);
                await StallAsync(fault, ct).ConfigureAwait(false);
                break;
            case EmulatorFaultKind.CutStream:
                await response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), ct).ConfigureAwait(false);
                await response.Body.FlushAsync(ct).ConfigureAwait(false);
                await AbortAfterGraceAsync(context, ct).ConfigureAwait(false);
                return;
            case EmulatorFaultKind.TruncateStream:
                await response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), ct).ConfigureAwait(false);
                return;
            case EmulatorFaultKind.MalformedJson:
                body = body.AsSpan(0, body.Length * 3 / 5).ToArray();
                break;
        }

        if (!response.HasStarted)
        {
            response.ContentLength = body.Length;
        }

        await response.Body.WriteAsync(body, ct).ConfigureAwait(false);
    }

    private async Task WriteStreamAsync(HttpContext context, ChatRequest request, CompletionPlan plan, EmulatorFault? fault, string id, long created, CancellationToken ct)
    {
        var events = StreamEventBuilder.Build(plan, request, id, created);
        events.Add(SseEvent.Done);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["x-accel-buffering"] = "no";
        await response.StartAsync(ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);

        var model = plan.Model;
        var hiddenTokens = model.Reasoning == ReasoningStyle.Hidden ? plan.ReasoningTokens : 0;
        // A stall without AfterChunks already happened before the first byte.
        var faultPending = fault is { Kind: EmulatorFaultKind.CutStream or EmulatorFaultKind.TruncateStream or EmulatorFaultKind.MalformedJson or EmulatorFaultKind.StreamError }
            or { Kind: EmulatorFaultKind.Stall, AfterChunks: not null };
        var faultAt = fault?.Kind == EmulatorFaultKind.MalformedJson ? fault.AfterChunks ?? 1 : fault?.AfterChunks ?? 0;
        var firstPaced = true;
        for (var written = 0; written < events.Count; written++)
        {
            var ev = events[written];
            var isDone = ReferenceEquals(ev, SseEvent.Done);
            if (faultPending && (written == faultAt || (isDone && faultAt > written)))
            {
                faultPending = false;
                switch (fault!.Kind)
                {
                    case EmulatorFaultKind.CutStream:
                        await AbortAfterGraceAsync(context, ct).ConfigureAwait(false);
                        return;
                    case EmulatorFaultKind.TruncateStream:
                        return;
                    case EmulatorFaultKind.StreamError:
                        await response.Body.WriteAsync(InBandError, ct).ConfigureAwait(false);
                        await response.Body.FlushAsync(ct).ConfigureAwait(false);
                        return;
                    case EmulatorFaultKind.Stall:
                        await StallAsync(fault, ct).ConfigureAwait(false);
                        break;
                    case EmulatorFaultKind.MalformedJson:
                        await response.Body.WriteAsync(StreamEventBuilder.Broken(id), ct).ConfigureAwait(false);
                        await response.Body.FlushAsync(ct).ConfigureAwait(false);
                        break;
                }
            }

            // Pacing: the role chunk goes at once; the first later chunk waits time-to-first-token
            // (plus hidden reasoning), every chunk waits its own tokens / tokens-per-second.
            if (written > 0)
            {
                var delay = TokenTime(model, ev.Tokens);
                if (firstPaced)
                {
                    delay += model.TimeToFirstToken + TokenTime(model, hiddenTokens);
                    firstPaced = false;
                }

                await state.DelayAsync(delay, ct).ConfigureAwait(false);
            }

            await response.Body.WriteAsync(ev.Bytes, ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Kestrel's abort resets the TCP connection, and a reset makes the client's kernel drop bytes it has not read yet.
    /// A short real-time grace lets the chunks already written reach the client first, so it sees them and then the reset.
    /// </summary>
    private static async Task AbortAfterGraceAsync(HttpContext context, CancellationToken ct)
    {
        await Task.Delay(CutGrace, TimeProvider.System, ct).ConfigureAwait(false);
        context.Abort();
    }
}
