using Microsoft.Extensions.Options;

namespace Mai.Client.Hosting;

/// <summary>
/// Validates the <see cref="MaiClientOptions"/> of one options name with the options' own validation (the one <see cref="MaiClient"/> runs
/// when built), with messages naming the configuration key. Runs at host start (<c>ValidateOnStart</c>) and on first resolution.
/// </summary>
/// <remarks>Nothing is built and nothing is sent: <see cref="MaiClientOptions.ValidateAndCopy"/> checks the options, the resilience
/// settings, the budget limits and the api-version.</remarks>
internal sealed class MaiClientOptionsValidator : IValidateOptions<MaiClientOptions>
{
    private readonly string _name;
    private readonly ConfigurationKeyMessages _messages;

    public MaiClientOptionsValidator(string name, string? keyPrefix)
    {
        _name = name;
        _messages = new ConfigurationKeyMessages(keyPrefix);
    }

    public ValidateOptionsResult Validate(string? name, MaiClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(name ?? Options.DefaultName, _name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        try
        {
            _ = options.ValidateAndCopy(requireEndpoint: true);
        }
        catch (ArgumentException ex)
        {
            var keys = options.Fallbacks.Select(f => f?.ApiKey).Append(options.ApiKey);
            return ValidateOptionsResult.Fail(ConfigurationKeyMessages.Redact(_messages.Translate(ex.Message), keys));
        }

        return ValidateOptionsResult.Success;
    }
}
