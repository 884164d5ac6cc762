using System.Globalization;
using Mai.Client.Accounting;
using Mai.Client.Transport;

namespace Mai.Client;

public sealed partial class MaiClientOptions
{
    /// <summary>Validates the options and returns a deep copy.</summary>
    /// <param name="requireEndpoint">Whether an endpoint is required (false when building over an existing client).</param>
    /// <param name="paramName">The caller's parameter name, reported in the exception.</param>
    /// <returns>The validated copy.</returns>
    /// <exception cref="ArgumentException">A property has an invalid value; the message names it (<c>MaiClientOptions.Fallbacks[0].Endpoint …</c>).</exception>
    /// <remarks>
    /// One message template: <c>MaiClientOptions.{property path} {rule}.</c>, followed by <c>; it was {value}</c> only for values that cannot be
    /// a secret (numbers, durations, enum values, the host of an http URI). Free text (endpoints that are not URIs, api-versions, keys) is never
    /// echoed: a key pasted into the wrong setting must not reach an exception. The layers' own options (<see cref="Resilience"/>, the budget
    /// limits, the api-version) are checked with their own validation here, so a client fails when it is built, before anything is sent.
    /// </remarks>
    internal MaiClientOptions ValidateAndCopy(bool requireEndpoint, string paramName = "options")
    {
        if (requireEndpoint)
        {
            ValidateEndpoint(nameof(Endpoint), Endpoint, paramName);
        }

        ValidateOptionalText(nameof(Model), Model, paramName);
        ValidateOptionalText(nameof(DeploymentName), DeploymentName, paramName);
        ValidateKey(nameof(ApiKey), ApiKey, paramName);

        if (NetworkTimeout <= TimeSpan.Zero && NetworkTimeout != Timeout.InfiniteTimeSpan)
        {
            throw Invalid(nameof(NetworkTimeout), "must be positive or Timeout.InfiniteTimeSpan", NetworkTimeout, paramName);
        }

        if (!Enum.IsDefined(Transport))
        {
            throw Invalid(nameof(Transport), "has an unknown value", (int)Transport, paramName);
        }

        if (ApiVersion is { } version && !TransportOptionsValidator.IsApiVersion(version))
        {
            throw Invalid(nameof(ApiVersion), TransportOptionsValidator.ApiVersionRule, null, paramName);
        }

        if (Resilience is null || Prices is null || TimeProvider is null)
        {
            throw Invalid(Resilience is null ? nameof(Resilience) : Prices is null ? nameof(Prices) : nameof(TimeProvider), "must not be null", null, paramName);
        }

        ValidatePositive(nameof(ContextWindowTokens), ContextWindowTokens, paramName);
        ValidatePositive(nameof(TokensPerMinute), TokensPerMinute, paramName);
        ValidatePositive(nameof(RequestsPerMinute), RequestsPerMinute, paramName);

        ValidateFallbacks(requireEndpoint, paramName);

        for (var i = 0; i < Budgets.Count; i++)
        {
            if (Budgets[i] is null)
            {
                throw Invalid($"{nameof(Budgets)}[{i}]", "is null", null, paramName);
            }
        }

        // The layers' own validation, with their own messages (MaiResilienceOptions.…, BudgetOptions.Limits[i]…), before anything is built.
        _ = Resilience.Validate();
        if (Budgets.Count > 0)
        {
            ValidateBudgets(paramName);
        }

        var copy = (MaiClientOptions)MemberwiseClone();
        copy.Fallbacks = [.. Fallbacks.Select(f => f.Clone())];
        copy.Budgets = [.. Budgets];
        copy.Resilience = Resilience.Clone(); // the pipeline sets the copy's clock and logger, never the caller's

        return copy;
    }

    private void ValidateFallbacks(bool requireEndpoint, string paramName)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (DeploymentName is { } primaryName)
        {
            names[primaryName] = nameof(DeploymentName);
        }

        for (var i = 0; i < Fallbacks.Count; i++)
        {
            var path = $"{nameof(Fallbacks)}[{i}]";
            var fallback = Fallbacks[i] ?? throw Invalid(path, "is null", null, paramName);
            ValidateEndpoint($"{path}.{nameof(MaiDeployment.Endpoint)}", fallback.Endpoint, paramName);
            ValidateOptionalText($"{path}.{nameof(MaiDeployment.Model)}", fallback.Model, paramName);
            ValidateOptionalText($"{path}.{nameof(MaiDeployment.Name)}", fallback.Name, paramName);
            ValidateKey($"{path}.{nameof(MaiDeployment.ApiKey)}", fallback.ApiKey, paramName);
            ValidatePositive($"{path}.{nameof(MaiDeployment.ContextWindowTokens)}", fallback.ContextWindowTokens, paramName);
            ValidatePositive($"{path}.{nameof(MaiDeployment.TokensPerMinute)}", fallback.TokensPerMinute, paramName);
            ValidatePositive($"{path}.{nameof(MaiDeployment.RequestsPerMinute)}", fallback.RequestsPerMinute, paramName);

            if (fallback.Name is { } name)
            {
                if (names.TryGetValue(name, out var first))
                {
                    // Names are reported in attempts, usage records and logs, so the name itself is shown.
                    throw Invalid($"{path}.{nameof(MaiDeployment.Name)}", $"'{name}' is already the name of {nameof(MaiClientOptions)}.{first}; deployment names must be unique", null, paramName);
                }

                names[name] = $"{path}.{nameof(MaiDeployment.Name)}";
            }

            if (requireEndpoint && SameDeployment(Endpoint, Model, fallback))
            {
                throw Invalid(path, $"is the primary deployment again (same {nameof(MaiDeployment.Endpoint)} and {nameof(MaiDeployment.Model)}); a fallback must be another deployment", null, paramName);
            }

            for (var j = 0; j < i; j++)
            {
                if (SameDeployment(Fallbacks[j].Endpoint, Fallbacks[j].Model, fallback))
                {
                    throw Invalid(path, $"is the same deployment as {nameof(MaiClientOptions)}.{nameof(Fallbacks)}[{j}] (same {nameof(MaiDeployment.Endpoint)} and {nameof(MaiDeployment.Model)})", null, paramName);
                }
            }
        }
    }

    private void ValidateBudgets(string paramName)
    {
        const string LimitsPath = $"{nameof(BudgetOptions)}.{nameof(BudgetOptions.Limits)}";
        try
        {
            BudgetChatClient.Validate(new BudgetOptions { Limits = Budgets, PriceTable = Prices });
        }
        catch (ArgumentException ex) when (ex.Message.StartsWith(LimitsPath, StringComparison.Ordinal))
        {
            // The budget layer's own rules and wording, under the property the caller set: MaiClientOptions.Budgets[1].Name …
            var suffix = $" (Parameter '{ex.ParamName}')";
            var rule = ex.Message.EndsWith(suffix, StringComparison.Ordinal) ? ex.Message[LimitsPath.Length..^suffix.Length] : ex.Message[LimitsPath.Length..];
            throw new ArgumentException($"{nameof(MaiClientOptions)}.{nameof(Budgets)}{rule}", paramName, ex);
        }
    }

    private static bool SameDeployment(Uri? endpoint, string? model, MaiDeployment other) =>
        endpoint is { IsAbsoluteUri: true } && other.Endpoint is { IsAbsoluteUri: true }
        && string.Equals(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/'), other.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
        && string.Equals(model, other.Model, StringComparison.OrdinalIgnoreCase);

    private static void ValidatePositive(string property, int? value, string paramName)
    {
        if (value is <= 0)
        {
            throw Invalid(property, "must be positive when set", value, paramName);
        }
    }

    private static void ValidateOptionalText(string property, string? value, string paramName)
    {
        if (value is not null && string.IsNullOrWhiteSpace(value))
        {
            throw Invalid(property, "must not be blank when set", null, paramName);
        }
    }

    private static void ValidateKey(string property, string? key, string paramName)
    {
        if (key is not null && string.IsNullOrWhiteSpace(key))
        {
            // Blank keys are never sent: a header of spaces would only earn a 401 for a setting the user meant to leave out.
            throw Invalid(property, "is set but empty; remove it to authenticate with Entra ID", null, paramName);
        }
    }

    private static void ValidateEndpoint(string property, Uri? endpoint, string paramName)
    {
        if (endpoint is null)
        {
            throw Invalid(property, "is required", null, paramName);
        }

        if (!endpoint.IsAbsoluteUri)
        {
            // A relative "URI" is free text: it may be a key pasted into the wrong setting, so it is not shown.
            throw Invalid(property, "must be an absolute http(s) URI", null, paramName);
        }

        if (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp)
        {
            throw Invalid(property, $"must be an absolute http(s) URI; it was an {endpoint.Scheme} URI", null, paramName);
        }

        if (endpoint.Scheme == Uri.UriSchemeHttp && !endpoint.IsLoopback)
        {
            throw Invalid(property, $"uses plain http to '{endpoint.Host}': keys and tokens are only sent over https, or http to loopback", null, paramName);
        }
    }

    /// <summary>The one message template of these options: <c>MaiClientOptions.{path} {rule}[; it was {value}].</c></summary>
    private static ArgumentException Invalid(string path, string rule, object? value, string paramName) =>
        new(value is null
                ? $"{nameof(MaiClientOptions)}.{path} {rule}."
                : string.Create(CultureInfo.InvariantCulture, $"{nameof(MaiClientOptions)}.{path} {rule}; it was {value}."),
            paramName);
}
