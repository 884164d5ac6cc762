using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Mai.Emulator;

/// <summary>Handles <c>POST …/chat/completions</c>: auth, validation, model, fault, context window, then the answer.</summary>
internal sealed partial class ChatEndpoint(EmulatorState state)
{
    public async Task HandleAsync(HttpContext context, string body, EmulatorRequest entry, string? deployment)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, state.Stopping);
        try
        {
            await HandleCoreAsync(context, body, entry, deployment, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // The client went away or the emulator is stopping: drop the connection.
            context.Abort();
        }
        catch (IOException)
        {
            context.Abort();
        }
    }

    private async Task HandleCoreAsync(HttpContext context, string body, EmulatorRequest entry, string? deployment, CancellationToken ct)
    {
        if (!Auth.Check(state, context, out var authFailure))
        {
            await EmulatorApp.WriteJsonAsync(context, 401, authFailure).ConfigureAwait(false);
            return;
        }

        ChatRequest request;
        try
        {
            request = ChatRequest.Parse(body);
        }
        catch (RequestValidationException ex)
        {
            await EmulatorApp.WriteJsonAsync(context, 400, ErrorBodies.InvalidRequest(ex.Param, ex.Message)).ConfigureAwait(false);
            return;
        }

        var requested = deployment ?? request.Model;
        // No model at all: the endpoint's own model answers (a serverless Azure AI Inference endpoint serves one model).
        var model = requested is null ? state.Models.FirstOrDefault(m => m.Api == EmulatedApi.ChatCompletions) : state.FindModel(requested);
        if (model is { Api: not EmulatedApi.ChatCompletions })
        {
            model = null; // Claude is served on /anthropic/v1/messages only, as on Foundry
        }

        if (model is null)
        {
            if (state.RejectUnknownModels)
            {
                if (deployment is not null)
                {
                    await EmulatorApp.WriteJsonAsync(context, 404, ErrorBodies.DeploymentNotFound).ConfigureAwait(false);
                    return;
                }

                context.Response.Headers["x-ms-error-code"] = "unknown_model";
                await EmulatorApp.WriteJsonAsync(context, 400, ErrorBodies.UnknownModel(requested ?? string.Empty)).ConfigureAwait(false);
                return;
            }

            model = state.Models.FirstOrDefault(m => m.Api == EmulatedApi.ChatCompletions) ?? state.Models[0];
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
                await EmulatorApp.WriteJsonAsync(context, 400, ErrorBodies.InvalidRequest(EmulatorFault.HeaderName, ex.Message)).ConfigureAwait(false);
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

        if (model.RejectStreamOptions && request.HasStreamOptions)
        {
            await EmulatorApp.WriteJsonAsync(context, 400, ErrorBodies.InvalidRequest("stream_options", "Unrecognized request argument supplied: stream_options")).ConfigureAwait(false);
            return;
        }

        if (await ApplyEarlyFaultAsync(context, fault, request.Stream, ct).ConfigureAwait(false))
        {
            return;
        }

        var promptTokens = PromptTokenCounter.Count(request);
        var requestedTotal = promptTokens + (request.MaxTokens ?? 0);
        if (fault?.Kind == EmulatorFaultKind.ContextLengthExceeded || requestedTotal > model.ContextWindow)
        {
            var window = Math.Min(model.ContextWindow, Math.Max(1, requestedTotal - 1));
            await EmulatorApp.WriteJsonAsync(context, 400, ErrorBodies.ContextLength(window, promptTokens, request.MaxTokens)).ConfigureAwait(false);
            return;
        }

        CompletionPlan plan;
        try
        {
            var cached = state.PromptCache?.Lookup(request, promptTokens) ?? 0;
            plan = CompletionPlanner.Plan(request, model, state.Seed, promptTokens, cached);
        }
        catch (RequestValidationException ex)
        {
            await EmulatorApp.WriteJsonAsync(context, 400, ErrorBodies.InvalidRequest(ex.Param, ex.Message)).ConfigureAwait(false);
            return;
        }

        if (model.TokensPerMinute is { } tokensPerMinute && !await AdmitAsync(context, model, tokensPerMinute, plan, request).ConfigureAwait(false))
        {
            return;
        }

        var id = "chatcmpl-" + Guid.NewGuid().ToString("N")[..29];
        var created = state.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        context.Response.Headers["apim-request-id"] = Guid.NewGuid().ToString();
        context.Response.Headers["x-ms-region"] = "Local Emulator";
        context.Response.Headers["azureml-model-session"] = "mai-emulator";
        if (request.Stream)
        {
            await WriteStreamAsync(context, request, plan, fault, id, created, ct).ConfigureAwait(false);
        }
        else
        {
            await WriteCompletionAsync(context, plan, fault, id, created, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Faults that act before any successful byte: error statuses, reset, and a stall before the first byte.</summary>
    private async Task<bool> ApplyEarlyFaultAsync(HttpContext context, EmulatorFault? fault, bool stream, CancellationToken ct)
    {
        switch (fault?.Kind)
        {
            case EmulatorFaultKind.RateLimit:
                WriteRateLimitHeaders(context.Response.Headers, fault);
                await EmulatorApp.WriteJsonAsync(context, 429, ErrorBodies.RateLimited(Math.Max(1, fault.RetryAfterSeconds))).ConfigureAwait(false);
                return true;
            case EmulatorFaultKind.HttpError:
                await EmulatorApp.WriteJsonAsync(context, fault.StatusCode, ErrorBodies.HttpError(fault.StatusCode)).ConfigureAwait(false);
                return true;
            case EmulatorFaultKind.StreamError when !stream:
                await EmulatorApp.WriteJsonAsync(context, 500, ErrorBodies.HttpError(500)).ConfigureAwait(false);
                return true;
            case EmulatorFaultKind.ContentFilter:
                context.Response.Headers["x-ms-rai-invoked"] = "true";
                await EmulatorApp.WriteJsonAsync(context, 400, ErrorBodies.ContentFilter).ConfigureAwait(false);
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

    /// <summary>Applies the deployment's tokens-per-minute quota: counts the request, or answers Azure's 429 and returns false.</summary>
    private async Task<bool> AdmitAsync(HttpContext context, EmulatedModel model, int limit, CompletionPlan plan, ChatRequest request)
    {
        var inv = CultureInfo.InvariantCulture;
        var needed = plan.PromptTokens + (long)(request.MaxTokens ?? plan.CompletionTokens);
        var (admitted, remaining, wait) = state.Quota.TryTake(model.Name, limit, needed, plan.TotalTokens, state.TimeProvider.GetUtcNow());
        var headers = context.Response.Headers;
        headers["x-ratelimit-limit-tokens"] = limit.ToString(inv);
        headers["x-ratelimit-remaining-tokens"] = remaining.ToString(inv);
        if (admitted)
        {
            return true;
        }

        var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
        headers.RetryAfter = seconds.ToString(inv);
        headers["retry-after-ms"] = ((long)Math.Ceiling(wait.TotalMilliseconds)).ToString(inv);
        headers["x-ratelimit-reset-tokens"] = seconds.ToString(inv);
        headers["policy-id"] = "DeploymentRatelimit-Token";
        headers["apim-request-id"] = Guid.NewGuid().ToString();
        headers["x-ms-region"] = "Local Emulator";
        await EmulatorApp.WriteJsonAsync(context, 429, ErrorBodies.RateLimited(seconds)).ConfigureAwait(false);
        return false;
    }

    private static void WriteRateLimitHeaders(IHeaderDictionary headers, EmulatorFault fault)
    {
        var inv = CultureInfo.InvariantCulture;
        var seconds = Math.Max(1, fault.RetryAfterSeconds).ToString(inv);
        var ms = ((long)fault.RetryAfter.TotalMilliseconds).ToString(inv);
        switch (fault.RetryAfterHeader)
        {
            case RetryAfterHeader.RetryAfter:
                headers.RetryAfter = fault.RetryAfterSeconds.ToString(inv);
                break;
            case RetryAfterHeader.RetryAfterMs:
                headers["retry-after-ms"] = ms;
                break;
            case RetryAfterHeader.XMsRetryAfterMs:
                headers["x-ms-retry-after-ms"] = ms;
                break;
        }

        headers["x-ratelimit-remaining-requests"] = "0";
        headers["x-ratelimit-remaining-tokens"] = "0";
        headers["x-ratelimit-reset-tokens"] = seconds;
        headers["policy-id"] = "DeploymentRatelimit-Token";
        headers["apim-request-id"] = Guid.NewGuid().ToString();
        headers["x-ms-region"] = "Local Emulator";
    }

    private Task StallAsync(EmulatorFault fault, CancellationToken ct) =>
        Task.Delay(fault.Duration ?? Timeout.InfiniteTimeSpan, state.TimeProvider, ct);

    private static TimeSpan TokenTime(EmulatedModel model, int tokens) =>
        model.TokensPerSecond > 0 && tokens > 0 ? TimeSpan.FromSeconds(tokens / model.TokensPerSecond) : TimeSpan.Zero;
}
