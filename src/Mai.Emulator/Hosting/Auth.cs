using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Mai.Emulator;

/// <summary>Key check: <c>api-key</c>, <c>x-api-key</c> (Anthropic's clients) or <c>Authorization: Bearer</c> must equal the configured key; the 401 body matches the route's provider.</summary>
internal static class Auth
{
    public static bool Check(EmulatorState state, HttpContext context, out string failureBody)
    {
        failureBody = string.Empty;
        if (state.ApiKey is null)
        {
            return true;
        }

        var apiKey = context.Request.Headers["api-key"].ToString();
        var xApiKey = context.Request.Headers["x-api-key"].ToString();
        var authorization = context.Request.Headers.Authorization.ToString();
        var bearer = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : string.Empty;
        if (Matches(apiKey, state.ApiKey) || Matches(xApiKey, state.ApiKey) || Matches(bearer, state.ApiKey))
        {
            return true;
        }

        var openAIRoute = context.Request.Path.StartsWithSegments("/openai/v1", StringComparison.OrdinalIgnoreCase)
            || context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase);
        failureBody = openAIRoute
            ? ErrorBodies.OpenAIUnauthorized(bearer.Length > 0 ? bearer : apiKey)
            : ErrorBodies.AzureUnauthorized;
        return false;
    }

    private static bool Matches(string provided, string expected) =>
        provided.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(provided), Encoding.UTF8.GetBytes(expected));
}
