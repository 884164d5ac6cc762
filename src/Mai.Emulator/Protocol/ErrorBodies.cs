using System.Globalization;
using System.Text.Json;

namespace Mai.Emulator;

/// <summary>Error bodies in the exact shapes real endpoints send (see fixtures/recorded).</summary>
internal static class ErrorBodies
{
    public const string NotFound = """{"error":{"code":"404","message":"Resource not found"}}""";

    public const string AzureUnauthorized = """{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}""";

    public const string DeploymentNotFound = """{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}""";

    // Verbatim from mirascope test_refusal/azure-openai_completions_gpt_4o_mini (Azure OpenAI, api-version 2024-10-21).
    public const string ContentFilter = """{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":false,"detected":false},"self_harm":{"filtered":true,"severity":"medium"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}}}""";

    public static string OpenAIUnauthorized(string? providedKey)
    {
        var message = string.IsNullOrEmpty(providedKey)
            ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys."
            : $"Incorrect API key provided: {Mask(providedKey)}. You can find your API key at https://platform.openai.com/account/api-keys.";
        return Serialize(w =>
        {
            w.WriteString("message", message);
            w.WriteString("type", "invalid_request_error");
            w.WriteNull("param");
            w.WriteString("code", "invalid_api_key");
        });
    }

    public static string UnknownModel(string model) => Serialize(w =>
    {
        w.WriteString("code", "unknown_model");
        w.WriteString("message", $"Unknown model: {model}");
        w.WriteNull("details");
    });

    public static string InvalidRequest(string? param, string message) => Serialize(w =>
    {
        w.WriteString("code", "invalid_request_error");
        if (param is null)
        {
            w.WriteNull("param");
        }
        else
        {
            w.WriteString("param", param);
        }

        w.WriteString("message", message);
    });

    public static string RateLimited(long retryAfterSeconds) => Serialize(w =>
    {
        w.WriteString("code", "429");
        w.WriteString("message", string.Create(CultureInfo.InvariantCulture,
            $"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-05-01-preview have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after {retryAfterSeconds} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit."));
    });

    public static string ContextLength(int window, int promptTokens, int? completionTokens)
    {
        var inv = CultureInfo.InvariantCulture;
        var message = completionTokens is { } c
            ? string.Create(inv, $"This model's maximum context length is {window} tokens. However, you requested {promptTokens + c} tokens ({promptTokens} in the messages, {c} in the completion). Please reduce the length of the messages or completion.")
            : string.Create(inv, $"This model's maximum context length is {window} tokens. However, your messages resulted in {promptTokens} tokens. Please reduce the length of the messages.");
        return Serialize(w =>
        {
            w.WriteString("message", message);
            w.WriteString("type", "invalid_request_error");
            w.WriteString("param", "messages");
            w.WriteString("code", "context_length_exceeded");
        });
    }

    public static string HttpError(int status)
    {
        var (code, message) = status switch
        {
            408 => ("Timeout", "The operation was timeout."),
            500 => ("InternalServerError", "The server had an error while processing your request. Sorry about that!"),
            502 => ("BadGateway", "Bad gateway."),
            503 => ("ServiceUnavailable", "The service is temporarily unable to process your request. Please try again later."),
            504 => ("GatewayTimeout", "The gateway did not receive a response from the backend in time."),
            _ => (status.ToString(CultureInfo.InvariantCulture), "The emulator injected this error."),
        };
        return Serialize(w =>
        {
            w.WriteString("code", code);
            w.WriteString("message", message);
        });
    }

    private static string Mask(string key) =>
        key.Length >= 12 ? string.Concat(key.AsSpan(0, 3), new string('*', key.Length - 7), key.AsSpan(key.Length - 4)) : new string('*', key.Length);

    private static string Serialize(Action<Utf8JsonWriter> writeErrorMembers)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WireJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            writeErrorMembers(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
