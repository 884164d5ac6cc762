namespace Mai.Client.Accounting;

/// <content>Validation of <see cref="MeteringOptions"/>, with messages that name the property.</content>
public sealed partial class MeteringChatClient
{
    private static void Validate(MeteringOptions options)
    {
        if (options.PriceTable is null)
        {
            throw new ArgumentException("MeteringOptions.PriceTable must not be null.", nameof(options));
        }

        if (options.ProviderName is not null && string.IsNullOrWhiteSpace(options.ProviderName))
        {
            throw new ArgumentException("MeteringOptions.ProviderName must not be empty when set.", nameof(options));
        }

        CheckPositive(options.ContextWindowTokens, nameof(MeteringOptions.ContextWindowTokens), nameof(options));
        CheckPositive(options.TokensPerMinute, nameof(MeteringOptions.TokensPerMinute), nameof(options));
        CheckPositive(options.RequestsPerMinute, nameof(MeteringOptions.RequestsPerMinute), nameof(options));
        if (options.DefaultOutputTokenReservation < 0)
        {
            throw new ArgumentException($"MeteringOptions.DefaultOutputTokenReservation must not be negative (was {options.DefaultOutputTokenReservation}).", nameof(options));
        }
    }

    private static void CheckPositive(int? value, string property, string paramName)
    {
        if (value is <= 0)
        {
            throw new ArgumentException($"MeteringOptions.{property} must be positive when set (was {value}).", paramName);
        }
    }
}
