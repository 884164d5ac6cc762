using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mai.Emulator;

/// <summary>Builds the Kestrel app: loopback only, quiet logging, the chat-completions, Messages API, model list and info routes, and the request log.</summary>
internal static class EmulatorApp
{
    private const string BodyItem = "mai.body";
    private const string EntryItem = "mai.entry";

    public static WebApplication Build(EmulatorState state, int port, ILoggerFactory? loggerFactory)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(EmulatorApp).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(loggerFactory ?? NullLoggerFactory.Instance);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        var app = builder.Build();
        app.Use((context, next) => RecordAsync(state, context, next));

        var chat = new ChatEndpoint(state);
        string[] chatRoutes = ["/chat/completions", "/models/chat/completions", "/openai/v1/chat/completions", "/v1/chat/completions"];
        foreach (var route in chatRoutes)
        {
            app.MapPost(route, context => chat.HandleAsync(context, Body(context), Entry(context), deployment: null));
        }

        app.MapPost("/openai/deployments/{deployment}/chat/completions", context =>
            chat.HandleAsync(context, Body(context), Entry(context), (string?)context.Request.RouteValues["deployment"]));
        var messages = new MessagesEndpoint(state);
        app.MapPost("/anthropic/v1/messages", context => messages.HandleAsync(context, Body(context), Entry(context)));
        app.MapPost("/v1/messages", context => messages.HandleAsync(context, Body(context), Entry(context)));
        app.MapGet("/anthropic/v1/models", context => ModelList.WriteAnthropicAsync(state, context));
        app.MapGet("/openai/v1/models", context => ModelList.WriteOpenAIAsync(state, context));
        app.MapGet("/v1/models", context => ModelList.WriteOpenAIAsync(state, context));
        app.MapGet("/info", context => InfoAsync(state, context));
        app.MapGet("/models/info", context => InfoAsync(state, context));
        app.MapGet("/openai/deployments/{deployment}/info", context => WriteJsonAsync(context, 404, ErrorBodies.NotFound));
        app.MapFallback(context => WriteJsonAsync(context, 404, ErrorBodies.NotFound));
        return app;
    }

    internal static async Task WriteJsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task RecordAsync(EmulatorState state, HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = Redact(name, values.ToString());
        }

        var entry = new EmulatorRequest(
            state.TimeProvider.GetUtcNow(), request.Method, request.Path.Value + request.QueryString.Value, headers, body);
        state.Log.Add(entry);
        context.Items[BodyItem] = body;
        context.Items[EntryItem] = entry;
        context.Response.Headers["x-request-id"] = Guid.NewGuid().ToString();
        if (request.Headers.TryGetValue("x-ms-client-request-id", out var clientRequestId))
        {
            context.Response.Headers["x-ms-client-request-id"] = clientRequestId;
        }

        await next(context).ConfigureAwait(false);
    }

    private static Task InfoAsync(EmulatorState state, HttpContext context)
    {
        if (!Auth.Check(state, context, out var failure))
        {
            return WriteJsonAsync(context, 401, failure);
        }

        var model = state.Models[0];
        var json = WireJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("model_name", model.Name);
            w.WriteString("model_type", "chat-completion");
            w.WriteString("model_provider_name", model.ProviderName);
            w.WriteEndObject();
        });
        return WriteJsonAsync(context, 200, Encoding.UTF8.GetString(json));
    }

    private static string Redact(string name, string value)
    {
        if (name.Equals("api-key", StringComparison.OrdinalIgnoreCase) || name.Equals("x-api-key", StringComparison.OrdinalIgnoreCase))
        {
            return "REDACTED";
        }

        if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
        {
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            return space > 0 ? value[..space] + " REDACTED" : "REDACTED";
        }

        return value;
    }

    private static string Body(HttpContext context) => (string)context.Items[BodyItem]!;

    private static EmulatorRequest Entry(HttpContext context) => (EmulatorRequest)context.Items[EntryItem]!;
}
