using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mai.Client.Accounting;

/// <summary>
/// Admits a logical call against token and cost budgets per scope before anything is sent, and settles the reservation to the
/// real usage of all its attempts afterwards (success or failure, streaming included, even when the caller stops early).
/// </summary>
/// <remarks>
/// <para>Place it at the top of the pipeline, above resilience. Admission reserves the estimated prompt tokens plus the call's
/// <c>MaxOutputTokens</c> (or <see cref="BudgetOptions.DefaultOutputTokenReservation"/>) in every matching limit, atomically; if one
/// does not fit, a <see cref="BudgetExceededException"/> is thrown and no request is made. Because reservations are taken before
/// sending and released only at settlement, concurrent calls can overspend a limit only by the amount their real usage exceeds
/// their reservations.</para>
/// <para>The real usage comes from the <see cref="UsageRecord"/>s the metering layers below add to the call's
/// <see cref="MaiCallContext"/> (attached here when the caller has none). Without a metering layer below, the response's usage
/// (or an estimate of the text received) is used.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed partial class BudgetChatClient : DelegatingChatClient
{
    private readonly BudgetLimit[] _limits;
    private readonly IBudgetStore _store;
    private readonly PriceTable _prices;
    private readonly TokenEstimator _estimator;
    private readonly string? _modelId;
    private readonly int _defaultOutputReservation;
    private readonly bool _refuseUnpriced;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="BudgetChatClient"/> class.</summary>
    /// <param name="innerClient">The rest of the pipeline (resilience, metering, transport).</param>
    /// <param name="options">The limits and how to reserve.</param>
    /// <param name="loggerFactory">Creates the logger; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public BudgetChatClient(IChatClient innerClient, BudgetOptions options, ILoggerFactory? loggerFactory = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _limits = [.. options.Limits.Select(l => l.Copy())];
        _store = options.Store ?? new InMemoryBudgetStore(options.TimeProvider);
        _prices = options.PriceTable;
        _estimator = options.TokenEstimator ?? TokenEstimator.Default;
        _modelId = options.ModelId;
        _defaultOutputReservation = options.DefaultOutputTokenReservation;
        _refuseUnpriced = options.RefuseUnpricedModels;
        _timeProvider = options.TimeProvider;
        _logger = loggerFactory?.CreateLogger<BudgetChatClient>() ?? NullLogger<BudgetChatClient>.Instance;
    }

    /// <inheritdoc/>
    /// <exception cref="BudgetExceededException">The call does not fit a budget; no request was sent.</exception>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var reservation = await ReserveAsync(messages, options, cancellationToken).ConfigureAwait(false);
        ChatResponse? response = null;
        try
        {
            response = await base.GetResponseAsync(reservation.Messages, reservation.Options, cancellationToken).ConfigureAwait(false);
            reservation.ReportedUsage = response.Usage;
            reservation.Output.Add(response.Messages);
            reservation.SawOutput = true;
            return response;
        }
        finally
        {
            await SettleAsync(reservation).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the counter of a named limit for a scope in the current window, in-flight reservations included.</summary>
    /// <param name="limitName">The <see cref="BudgetLimit.Name"/> of the limit.</param>
    /// <param name="scope">The scope whose counter to read; <see langword="null"/> for <see cref="MaiScope.None"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tokens and cost used (or reserved) in the current window.</returns>
    /// <exception cref="ArgumentException">No limit has that name, or the scope does not match it.</exception>
    public ValueTask<BudgetBalance> GetBalanceAsync(string limitName, MaiScope? scope = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(limitName);
        scope ??= MaiScope.None;
        var index = Array.FindIndex(_limits, l => string.Equals(l.Name, limitName, StringComparison.Ordinal));
        if (index < 0)
        {
            throw new ArgumentException($"No budget limit is named '{limitName}'.", nameof(limitName));
        }

        if (!Matches(_limits[index], scope))
        {
            throw new ArgumentException($"Limit '{limitName}' does not apply to {scope}.", nameof(scope));
        }

        var (key, _) = Key(index, _limits[index], scope, _timeProvider.GetUtcNow());
        return _store.GetBalanceAsync(key, cancellationToken);
    }

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
        var price = _prices.FindPrice(null, model);
        var matched = Enumerable.Range(0, _limits.Length).Where(i => Matches(_limits[i], scope)).ToList();
        var prompt = matched.Count == 0 ? 0 : _estimator.EstimatePromptTokens(list);
        var maxOutput = options?.MaxOutputTokens ?? _defaultOutputReservation;
        long tokens = prompt + (long)maxOutput;
        var cost = price is null ? 0m : PriceTable.ComputeCost(new MaiUsage(prompt, maxOutput, 0, 0, tokens, true), price) ?? 0m;

        var charges = new List<BudgetCharge>(matched.Count);
        foreach (var i in matched)
        {
            var limit = _limits[i];
            if (limit.MaxCost is not null && price is null && _refuseUnpriced)
            {
                throw BudgetExceededException.Unpriced(Describe(i, limit, scope), FormatLimit(limit, cost: true), limit.MaxCost.Value, _prices.Currency, model);
            }

            var (key, expires) = Key(i, limit, scope, now);
            charges.Add(new BudgetCharge(key, tokens, cost) { TokenLimit = limit.MaxTokens, CostLimit = limit.MaxCost, ExpiresAt = expires });
        }

        if (charges.Count > 0)
        {
            var result = await _store.TryReserveAsync(charges, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw Refusal(matched[result.RefusedIndex], charges[result.RefusedIndex], result.Balance, scope, prompt, maxOutput, now);
            }
        }

        return new BudgetReservation
        {
            Messages = list,
            Options = callOptions,
            Context = context,
            RecordsBefore = context.UsageRecords.Count,
            Charges = charges,
            PromptTokens = prompt,
            Price = price,
        };
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
