using Mai.Client.Transport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Mai.Client.Hosting;

/// <summary>
/// Validates the <see cref="MaiClientOptions"/> of one options name the way <see cref="MaiClient"/> will when built, with messages
/// naming the configuration key. Runs at host start (<c>ValidateOnStart</c>) and on first resolution.
/// </summary>
/// <remarks>
/// The options are checked by <see cref="MaiClientOptions.ValidateAndCopy"/>, then the resilience and budget layers are composed over a
/// client that sends nothing, so their own checks run too (metering's checks are all covered by <c>ValidateAndCopy</c>, and it is left
/// out so no instrument is created). No transport is built and nothing is sent.
/// </remarks>
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

        if (BlankKey(options) is { } blank)
        {
            return ValidateOptionsResult.Fail($"{_messages.Key(blank)} is set but empty; remove it to authenticate with Entra ID.");
        }

        try
        {
            var copy = options.ValidateAndCopy(requireEndpoint: true);
            if (copy.Transport == MaiTransport.AzureInference && copy.ApiVersion is not null)
            {
                _ = new AzureInferenceChatClientOptions { ApiVersion = copy.ApiVersion, NetworkTimeout = copy.NetworkTimeout }.CloneAndValidate();
            }

            // Compose without telemetry, logging or ledger: validation must leave no instruments or records behind.
            copy.EnableMetering = false;
            copy.MeterFactory = null;
            copy.LoggerFactory = null;
            copy.Ledger = null;
            using var silent = new SilentChatClient();
            using var pipeline = MaiPipeline.Compose(silent, copy);
        }
        catch (ArgumentException ex)
        {
            var keys = options.Fallbacks.Select(f => f?.ApiKey).Append(options.ApiKey);
            return ValidateOptionsResult.Fail(ConfigurationKeyMessages.Redact(_messages.Translate(ex.Message), keys));
        }

        return ValidateOptionsResult.Success;
    }

    private static string? BlankKey(MaiClientOptions options)
    {
        if (options.ApiKey is { } key && string.IsNullOrWhiteSpace(key))
        {
            return nameof(MaiClientOptions.ApiKey);
        }

        for (var i = 0; i < options.Fallbacks.Count; i++)
        {
            if (options.Fallbacks[i]?.ApiKey is { } fallbackKey && string.IsNullOrWhiteSpace(fallbackKey))
            {
                return $"{nameof(MaiClientOptions.Fallbacks)}:{i}:{nameof(MaiDeployment.ApiKey)}";
            }
        }

        return null;
    }

    /// <summary>A client that is never called: the layers are only composed to run their validation.</summary>
    private sealed class SilentChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The validation probe sends nothing.");

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The validation probe sends nothing.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
