using System.Globalization;

namespace Mai.Client.Accounting;

/// <content>Validation of <see cref="BudgetOptions"/>, with messages that name the property.</content>
public sealed partial class BudgetChatClient
{
    internal static void Validate(BudgetOptions options)
    {
        if (options.Limits is null)
        {
            throw new ArgumentException("BudgetOptions.Limits must not be null.", nameof(options));
        }

        if (options.PriceTable is null)
        {
            throw new ArgumentException("BudgetOptions.PriceTable must not be null.", nameof(options));
        }

        if (options.DefaultOutputTokenReservation < 0)
        {
            throw new ArgumentException($"BudgetOptions.DefaultOutputTokenReservation must not be negative (was {options.DefaultOutputTokenReservation}).", nameof(options));
        }

        if (options.FallbackModelIds is null)
        {
            throw new ArgumentException("BudgetOptions.FallbackModelIds must not be null.", nameof(options));
        }

        for (var i = 0; i < options.FallbackModelIds.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.FallbackModelIds[i]))
            {
                throw new ArgumentException($"BudgetOptions.FallbackModelIds[{i}] must not be empty.", nameof(options));
            }
        }

        if (options.OutputTokenCeilings is null)
        {
            throw new ArgumentException("BudgetOptions.OutputTokenCeilings must not be null.", nameof(options));
        }

        foreach (var (model, ceiling) in options.OutputTokenCeilings)
        {
            if (ceiling <= 0)
            {
                throw new ArgumentException($"BudgetOptions.OutputTokenCeilings['{model}'] must be positive (was {ceiling}).", nameof(options));
            }
        }

        if (options.ContextWindowTokens is <= 0)
        {
            throw new ArgumentException($"BudgetOptions.ContextWindowTokens must be positive when set (was {options.ContextWindowTokens}).", nameof(options));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Limits.Count; i++)
        {
            var limit = options.Limits[i] ?? throw new ArgumentException($"BudgetOptions.Limits[{i}] is null.", nameof(options));
            if (limit.MaxTokens is null && limit.MaxCost is null)
            {
                throw new ArgumentException($"BudgetOptions.Limits[{i}] sets neither MaxTokens nor MaxCost.", nameof(options));
            }

            if (limit.MaxTokens is <= 0)
            {
                throw new ArgumentException($"BudgetOptions.Limits[{i}].MaxTokens must be positive (was {limit.MaxTokens}).", nameof(options));
            }

            if (limit.MaxCost is <= 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"BudgetOptions.Limits[{i}].MaxCost must be positive (was {limit.MaxCost})."), nameof(options));
            }

            if (!Enum.IsDefined(limit.Window))
            {
                throw new ArgumentException($"BudgetOptions.Limits[{i}].Window is not a BudgetWindow value (was {(int)limit.Window}).", nameof(options));
            }

            if (limit.Name is not null && !names.Add(limit.Name))
            {
                throw new ArgumentException($"BudgetOptions.Limits[{i}].Name '{limit.Name}' is used twice.", nameof(options));
            }
        }
    }
}
