using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Mai.Emulator;

/// <summary>Handles <c>POST /anthropic/v1/messages</c> (and <c>/v1/messages</c>): Anthropic's Messages API for the Claude models.</summary>
internal sealed class MessagesEndpoint(EmulatorState state)
{
    public const string Version = "2023-06-01";
    private static readonly TimeSpan CutGrace = TimeSpan.FromMilliseconds(100);

    public async Task HandleAsync(HttpContext context, string body, EmulatorRequest entry)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, state.Stopping);
        try
        {
            await HandleCoreAsync(context, body, entry, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            context.Abort();
        }
        catch (IOException)
        {
            context.Abort();
        }
    }

    private async Task HandleCoreAsync(HttpContext context, string body, EmulatorRequest entry, CancellationToken ct)
    {
        var headers = context.Response.Headers;
        headers["request-id"] = AnthropicErrors.NewRequestId();
        if (!Auth.Check(state, context, out _))
        {
            var provided = context.Request.Headers["x-api-key"].Count > 0 || context.Request.Headers["api-key"].Count > 0;
            await AnthropicErrors.WriteAsync(context, 401, "authentication_error", provided ? "invalid x-api-key" : "x-api-key header is required").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrEmpty(context.Request.Headers["anthropic-version"].ToString()))
        {
            await AnthropicErrors.WriteAsync(context, 400, "invalid_request_error", "anthropic-version: header is required").ConfigureAwait(false);
            return;
        }

        MessagesRequest request;
        try
        {
            request = MessagesRequest.Parse(body);
        }
        catch (RequestValidationException ex)
        {
            await AnthropicErrors.WriteAsync(context, 400, "invalid_request_error", ex.Message).ConfigureAwait(false);
            return;
        }

        var model = state.FindModel(request.Chat.Model);
        if (model is null || model.Api != EmulatedApi.AnthropicMessages)
        {
            await AnthropicErrors.WriteAsync(context, 404, "not_found_error", "model: " + request.Chat.Model).ConfigureAwait(false);
            return;
        }

        if (await CheckThinkingBlocksAsync(context, request).ConfigureAwait(false))
        {
            return;
        }

        if (request.MaxTokens > model.MaxOutputTokens)
        {
            await AnthropicErrors.WriteAsync(context, 400, "invalid_request_error", string.Create(CultureInfo.InvariantCulture,
                $"max_tokens: {request.MaxTokens} > {model.MaxOutputTokens}, which is the maximum allowed number of output tokens for {model.Name}")).ConfigureAwait(false);
            return;
        }

        EmulatorFault? fault;
        if (context.Request.Headers.TryGetValue(EmulatorFault.HeaderName, out var faultHeader))
        {
            try
            {
                fault = EmulatorFault.Parse(faultHeader.ToString());
            }
            catch (FormatException ex)
            {
                await AnthropicErrors.WriteAsync(context, 400, "invalid_request_error", ex.Message).ConfigureAwait(false);
                return;
            }
        }
        else
        {
            fault = state.Faults.TryDequeue();
        }

        entry.Fault = fault;
        if (fault?.Kind == EmulatorFaultKind.None)
        {
            fault = null;
        }

        WriteRateLimitHeaders(context, fault);
        if (await ApplyEarlyFaultAsync(context, fault, ct).ConfigureAwait(false))
        {
            return;
        }

        var promptTokens = PromptTokenCounter.Count(request.Chat);
        if (fault?.Kind == EmulatorFaultKind.ContextLengthExceeded || promptTokens > model.ContextWindow)
        {
            await AnthropicErrors.WriteAsync(context, 400, "invalid_request_error", string.Create(CultureInfo.InvariantCulture,
                $"prompt is too long: {Math.Max(promptTokens, model.ContextWindow + 1)} tokens > {model.ContextWindow} maximum")).ConfigureAwait(false);
            return;
        }

        MessagesPlan plan;
        try
        {
            var planningModel = model with { Reasoning = request.Thinking ? ReasoningStyle.ReasoningContent : ReasoningStyle.None, ForcedToolCallFinishesWithStop = false };
            var completion = CompletionPlanner.Plan(request.Chat, planningModel, state.Seed, promptTokens, 0);
            var stopSequence = request.Chat.Stop.Count > 0 && completion.FinishReason == "stop" && completion.ToolCalls.Count == 0
                ? HitStopSequence(request, planningModel, promptTokens)
                : null;
            var cache = state.AnthropicCache.Lookup(request.CachePrefix, promptTokens);
            plan = MessagesPlan.From(completion, request, model, stopSequence, cache, AnthropicErrors.NewMessageId());
            if (fault?.Kind == EmulatorFaultKind.ContentFilter)
            {
                plan = Refusal(plan);
            }
        }
        catch (RequestValidationException ex)
        {
            await AnthropicErrors.WriteAsync(context, 400, "invalid_request_error", ex.Message).ConfigureAwait(false);
            return;
        }

        if (request.Chat.Stream)
        {
            await WriteStreamAsync(context, plan, fault, ct).ConfigureAwait(false);
        }
        else
        {
            await WriteMessageAsync(context, plan, fault, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Thinking blocks sent back must carry the signature the emulator gave them; with thinking on, a final assistant tool_use turn must start with one.</summary>
    private static async Task<bool> CheckThinkingBlocksAsync(HttpContext context, MessagesRequest request)
    {
        foreach (var (message, block, thinking, signature) in request.ThinkingBlocks)
        {
            if (!ThinkingSignature.Verify(thinking, signature))
            {
                await AnthropicErrors.WriteAsync(context, 400, "invalid_request_error", string.Create(CultureInfo.InvariantCulture,
                    $"messages.{message}.content.{block}: Invalid `signature` in `thinking` block")).ConfigureAwait(false);
                return true;
            }
        }

        if (request.MissingThinkingAt is { } found)
        {
            await AnthropicErrors.WriteAsync(context, 400, "invalid_request_error",
                $"messages: Expected `thinking` or `redacted_thinking`, but found `{found}`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking").ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private string? HitStopSequence(MessagesRequest request, EmulatedModel planningModel, int promptTokens)
    {
        var unstopped = new ChatRequest
        {
            Messages = request.Chat.Messages,
            Model = request.Chat.Model,
            MaxTokens = request.Chat.MaxTokens,
            Tools = request.Chat.Tools,
            ToolChoice = request.Chat.ToolChoice,
            ToolChoiceName = request.Chat.ToolChoiceName,
            ParallelToolCalls = request.Chat.ParallelToolCalls,
        };
        var full = CompletionPlanner.Plan(unstopped, planningModel, state.Seed, promptTokens, 0).Answer;
        return request.Chat.Stop
            .Select(s => (Stop: s, At: full.IndexOf(s, StringComparison.Ordinal)))
            .Where(x => x.At >= 0)
            .OrderBy(x => x.At)
            .Select(x => x.Stop)
            .FirstOrDefault();
    }

    private static MessagesPlan Refusal(MessagesPlan plan) => new()
    {
        Id = plan.Id,
        Model = plan.Model,
        Blocks = [],
        StopReason = "refusal",
        InputTokens = plan.InputTokens,
        CacheCreationTokens = plan.CacheCreationTokens,
        CacheReadTokens = plan.CacheReadTokens,
        OutputTokens = 1,
        EmulatedModel = plan.EmulatedModel,
    };

    private void WriteRateLimitHeaders(HttpContext context, EmulatorFault? fault)
    {
        var headers = context.Response.Headers;
        var limited = fault?.Kind == EmulatorFaultKind.RateLimit;
        var reset = AnthropicErrors.Rfc3339(state.TimeProvider.GetUtcNow().AddSeconds(limited ? Math.Max(1, fault!.RetryAfterSeconds) : 60));
        headers["anthropic-ratelimit-requests-limit"] = "4000";
        headers["anthropic-ratelimit-requests-remaining"] = limited ? "0" : "3999";
        headers["anthropic-ratelimit-requests-reset"] = reset;
        headers["anthropic-ratelimit-input-tokens-limit"] = "2000000";
        headers["anthropic-ratelimit-input-tokens-remaining"] = limited ? "0" : "1999000";
        headers["anthropic-ratelimit-input-tokens-reset"] = reset;
        headers["anthropic-ratelimit-output-tokens-limit"] = "400000";
        headers["anthropic-ratelimit-output-tokens-remaining"] = limited ? "0" : "399000";
        headers["anthropic-ratelimit-output-tokens-reset"] = reset;
        headers["anthropic-ratelimit-tokens-limit"] = "2400000";
        headers["anthropic-ratelimit-tokens-remaining"] = limited ? "0" : "2398000";
        headers["anthropic-ratelimit-tokens-reset"] = reset;
    }

    private async Task<bool> ApplyEarlyFaultAsync(HttpContext context, EmulatorFault? fault, CancellationToken ct)
    {
        switch (fault?.Kind)
        {
            case EmulatorFaultKind.RateLimit:
                if (fault.RetryAfterHeader != RetryAfterHeader.None)
                {
                    context.Response.Headers.RetryAfter = Math.Max(1, fault.RetryAfterSeconds).ToString(CultureInfo.InvariantCulture);
                }

                await AnthropicErrors.WriteAsync(context, 429).ConfigureAwait(false);
                return true;
            case EmulatorFaultKind.HttpError:
                await AnthropicErrors.WriteAsync(context, fault.StatusCode).ConfigureAwait(false);
                return true;
            case EmulatorFaultKind.ConnectionReset:
                context.Abort();
                return true;
            case EmulatorFaultKind.Stall when fault.AfterChunks is null:
                await StallAsync(fault, ct).ConfigureAwait(false);
                return false;
            default:
                return false;
        }
    }

    private async Task WriteMessageAsync(HttpContext context, MessagesPlan plan, EmulatorFault? fault, CancellationToken ct)
    {
        var body = MessagesJson.Body(plan);
        var model = plan.EmulatedModel;
        await state.DelayAsync(model.TimeToFirstToken + TokenTime(model, plan.OutputTokens), ct).ConfigureAwait(false);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
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
            case EmulatorFaultKind.StreamError:
                // Without a stream, a failure after the status line becomes a 500 overloaded-style body.
                await AnthropicErrors.WriteAsync(context, 529).ConfigureAwait(false);
                return;
        }

        if (!response.HasStarted)
        {
            response.ContentLength = body.Length;
        }

        await response.Body.WriteAsync(body, ct).ConfigureAwait(false);
    }

    private async Task WriteStreamAsync(HttpContext context, MessagesPlan plan, EmulatorFault? fault, CancellationToken ct)
    {
        var events = MessagesJson.Events(plan);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);

        var model = plan.EmulatedModel;
        var faultPending = fault is { Kind: EmulatorFaultKind.CutStream or EmulatorFaultKind.TruncateStream or EmulatorFaultKind.MalformedJson or EmulatorFaultKind.StreamError }
            or { Kind: EmulatorFaultKind.Stall, AfterChunks: not null };
        var faultAt = fault?.Kind == EmulatorFaultKind.MalformedJson ? fault.AfterChunks ?? 1 : fault?.AfterChunks ?? 0;
        var firstPaced = true;
        for (var written = 0; written <= events.Count; written++)
        {
            if (faultPending && (written == faultAt || (written == events.Count && faultAt > written)))
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
                        await response.Body.WriteAsync(MessagesJson.StreamError(response.Headers["request-id"].ToString()), ct).ConfigureAwait(false);
                        await response.Body.FlushAsync(ct).ConfigureAwait(false);
                        return;
                    case EmulatorFaultKind.Stall:
                        await StallAsync(fault, ct).ConfigureAwait(false);
                        break;
                    case EmulatorFaultKind.MalformedJson:
                        await response.Body.WriteAsync(MessagesJson.Broken(), ct).ConfigureAwait(false);
                        await response.Body.FlushAsync(ct).ConfigureAwait(false);
                        break;
                }
            }

            if (written == events.Count)
            {
                break;
            }

            var ev = events[written];
            if (ev.Generated)
            {
                var delay = TokenTime(model, ev.Tokens);
                if (firstPaced)
                {
                    delay += model.TimeToFirstToken;
                    firstPaced = false;
                }

                await state.DelayAsync(delay, ct).ConfigureAwait(false);
            }

            await response.Body.WriteAsync(ev.Bytes, ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
        }
    }

    private Task StallAsync(EmulatorFault fault, CancellationToken ct) =>
        Task.Delay(fault.Duration ?? Timeout.InfiniteTimeSpan, state.TimeProvider, ct);

    private static TimeSpan TokenTime(EmulatedModel model, int tokens) =>
        model.TokensPerSecond > 0 && tokens > 0 ? TimeSpan.FromSeconds(tokens / model.TokensPerSecond) : TimeSpan.Zero;

    private static async Task AbortAfterGraceAsync(HttpContext context, CancellationToken ct)
    {
        await Task.Delay(CutGrace, TimeProvider.System, ct).ConfigureAwait(false);
        context.Abort();
    }
}
