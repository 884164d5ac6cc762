using System.Globalization;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Accounting;

/// <content>Admission: the call's worst case (prompt, output ceiling, price over every reachable model) reserved before sending.</content>
public sealed partial class BudgetChatClient
{
    private async ValueTask<BudgetReservation> ReserveAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var context = MaiCallContext.Get(options);
        var callOptions = options ?? new ChatOptions();
        if (context is null)
        {
            context = new MaiCallContext();
            callOptions = MaiCallContext.Attach(options, context);
        }

        var scope = MaiScope.From(options);
        var now = _timeProvider.GetUtcNow();
        var model = options?.ModelId ?? _modelId;
        var matched = Matching(scope);
        if (matched.Count == 0)
        {
            return new BudgetReservation
            {
                Messages = list,
                Options = callOptions,
                Context = context,
                RecordsBefore = context.UsageRecords.Count,
                Charges = [],
                PromptTokens = 0,
                MaxOutputTokens = 0,
                Price = null,
            };
        }

        var prompt = 0;
        foreach (var estimator in Estimators(model))
        {
            await estimator.WhenLoadedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            prompt = Math.Max(prompt, estimator.EstimatePromptTokensCore(list, options, cancellationToken));
        }

        var maxOutput = options?.MaxOutputTokens ?? WorstOutputCeiling(model, prompt);
        long tokens = prompt + (long)maxOutput;
        var (price, anyUnpriced, unpricedModel) = WorstPrice(model, prompt, maxOutput);
        var cost = price is null ? 0m : PriceTable.ComputeCost(new MaiUsage(prompt, maxOutput, 0, 0, tokens, true), price) ?? 0m;

        var charges = new List<BudgetCharge>(matched.Count);
        foreach (var i in matched)
        {
            var limit = _limits[i];
            if (limit.MaxCost is not null && anyUnpriced && _refuseUnpriced)
            {
                throw BudgetExceededException.Unpriced(Describe(i, limit, scope), FormatLimit(limit, cost: true), limit.MaxCost.Value, _prices.Currency, unpricedModel);
            }

            var (key, expires) = Key(i, limit, scope, now);
            charges.Add(new BudgetCharge(key, tokens, cost) { TokenLimit = limit.MaxTokens, CostLimit = limit.MaxCost, ExpiresAt = expires });
        }

        var result = await _store.TryReserveAsync(charges, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw Refusal(matched[result.RefusedIndex], charges[result.RefusedIndex], result.Balance, scope, prompt, maxOutput, now);
        }

        return new BudgetReservation
        {
            Messages = list,
            Options = callOptions,
            Context = context,
            RecordsBefore = context.UsageRecords.Count,
            Charges = charges,
            PromptTokens = prompt,
            MaxOutputTokens = maxOutput,
            Price = price,
        };
    }

    /// <summary>The models a call may reach: its own (or the primary's), then the fallbacks'. Built once for the primary model.</summary>
    private string?[] Models(string? model)
    {
        if (string.Equals(model, _modelId, StringComparison.Ordinal) && _primaryModels is { } cached)
        {
            return cached;
        }

        var models = new List<string?>(_fallbackModels.Length + 1) { model };
        foreach (var fallback in _fallbackModels)
        {
            if (!string.Equals(fallback, model, StringComparison.OrdinalIgnoreCase))
            {
                models.Add(fallback);
            }
        }

        return [.. models];
    }

    /// <summary>The estimators to count the prompt with: the configured one, else one per model family reachable (each once).</summary>
    private List<TokenEstimator> Estimators(string? model)
    {
        if (string.Equals(model, _modelId, StringComparison.Ordinal) && _primaryEstimators is { } cached)
        {
            return cached; // never modified by the callers
        }

        if (_estimator is not null)
        {
            return [_estimator];
        }

        var estimators = new List<TokenEstimator>(1);
        foreach (var m in Models(model))
        {
            var estimator = TokenEstimator.ForModel(m);
            if (!estimators.Contains(estimator))
            {
                estimators.Add(estimator);
            }
        }

        return estimators;
    }

    /// <summary>The most output any reachable model may produce, at most the context window left after the prompt.</summary>
    private int WorstOutputCeiling(string? model, int prompt)
    {
        var ceiling = 0;
        foreach (var m in Models(model))
        {
            ceiling = Math.Max(ceiling, OutputCeiling(m));
        }

        return _contextWindow is { } window ? Math.Clamp(window - prompt, 0, ceiling) : ceiling;
    }

    private int OutputCeiling(string? model)
    {
        if (model is null)
        {
            return _defaultOutputReservation;
        }

        // The longest configured prefix wins: "gpt-4o-2024-11-20" takes gpt-4o's ceiling, not gpt-4's.
        var best = -1;
        var ceiling = _defaultOutputReservation;
        foreach (var (prefix, value) in _outputCeilings)
        {
            if (prefix.Length > best && model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                best = prefix.Length;
                ceiling = value;
            }
        }

        return ceiling;
    }

    /// <summary>The price of the reachable model whose worst case costs most, and the first reachable model with no price.</summary>
    private (ModelPrice? Price, bool AnyUnpriced, string? Unpriced) WorstPrice(string? model, int prompt, int maxOutput)
    {
        ModelPrice? worst = null;
        var worstCost = -1m;
        var anyUnpriced = false;
        string? unpriced = null;
        var usage = new MaiUsage(prompt, maxOutput, 0, 0, prompt + (long)maxOutput, true);
        foreach (var m in Models(model))
        {
            if (_prices.FindPrice(null, m) is not { } price)
            {
                unpriced = anyUnpriced ? unpriced : m;
                anyUnpriced = true;
                continue;
            }

            var cost = PriceTable.ComputeCost(usage, price) ?? 0m;
            if (cost > worstCost)
            {
                (worst, worstCost) = (price, cost);
            }
        }

        return (worst, anyUnpriced, unpriced);
    }

    private BudgetExceededException Refusal(int index, BudgetCharge charge, BudgetBalance balance, MaiScope scope, int prompt, int maxOutput, DateTimeOffset now)
    {
        var limit = _limits[index];
        var detail = string.Create(CultureInfo.InvariantCulture, $" (prompt ≈ {prompt} estimated + {maxOutput} output reserved)");
        var resets = WindowEnd(limit.Window, now);
        var max = charge.TokenLimit ?? long.MaxValue;
        return balance.Tokens + charge.Tokens > max
            ? new BudgetExceededException(Describe(index, limit, scope), FormatLimit(limit, cost: false), max, Math.Max(0, max - balance.Tokens), charge.Tokens, "tokens", detail, resets)
            : new BudgetExceededException(Describe(index, limit, scope), FormatLimit(limit, cost: true), limit.MaxCost!.Value, Math.Max(0, limit.MaxCost.Value - balance.Cost), charge.Cost, _prices.Currency, detail, resets);
    }

    private string FormatLimit(BudgetLimit limit, bool cost)
    {
        var per = limit.Window == BudgetWindow.Total ? "in total" : $"per {limit.Window.ToString().ToLowerInvariant()}";
        return cost
            ? string.Create(CultureInfo.InvariantCulture, $"{limit.MaxCost} {_prices.Currency} {per}")
            : string.Create(CultureInfo.InvariantCulture, $"{limit.MaxTokens} tokens {per}");
    }

    private static string Describe(int index, BudgetLimit limit, MaiScope scope)
    {
        var who = new MaiScope(limit.User is null ? null : scope.User, limit.Tenant is null ? null : scope.Tenant, limit.Tag is null ? null : scope.Tag).ToString();
        return $"{who} (budget '{limit.Name ?? index.ToString(CultureInfo.InvariantCulture)}')";
    }
}
