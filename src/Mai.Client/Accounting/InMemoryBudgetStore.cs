namespace Mai.Client.Accounting;

/// <summary>The default <see cref="IBudgetStore"/>: counters in process memory, guarded by one lock; expired windows are dropped lazily.</summary>
/// <remarks>Thread-safe. Counters are not shared between processes; use a shared store for fleets.</remarks>
public sealed class InMemoryBudgetStore : IBudgetStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="InMemoryBudgetStore"/> class.</summary>
    /// <param name="timeProvider">The clock that expires counters; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public InMemoryBudgetStore(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public ValueTask<BudgetReservationResult> TryReserveAsync(IReadOnlyList<BudgetCharge> charges, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(charges);
        lock (_gate)
        {
            Prune();
            for (var i = 0; i < charges.Count; i++)
            {
                var charge = charges[i];
                var balance = _counters.TryGetValue(charge.Key, out var counter) ? counter.Balance : default;
                if ((charge.TokenLimit is { } tokenLimit && balance.Tokens + charge.Tokens > tokenLimit)
                    || (charge.CostLimit is { } costLimit && balance.Cost + charge.Cost > costLimit))
                {
                    return ValueTask.FromResult(new BudgetReservationResult(false, i, balance));
                }
            }

            Apply(charges);
            return ValueTask.FromResult(BudgetReservationResult.Success);
        }
    }

    /// <inheritdoc/>
    public ValueTask AdjustAsync(IReadOnlyList<BudgetCharge> charges, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(charges);
        lock (_gate)
        {
            Apply(charges);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<BudgetBalance> GetBalanceAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            Prune();
            return ValueTask.FromResult(_counters.TryGetValue(key, out var counter) ? counter.Balance : default);
        }
    }

    private void Apply(IReadOnlyList<BudgetCharge> charges)
    {
        for (var i = 0; i < charges.Count; i++) // indexed: no boxed enumerator per call
        {
            var charge = charges[i];
            var current = _counters.TryGetValue(charge.Key, out var counter) ? counter : new Counter(default, charge.ExpiresAt);
            _counters[charge.Key] = current with
            {
                // Never negative: a counter below zero would admit calls beyond the limit (issue 12, item 5).
                Balance = new BudgetBalance(Math.Max(0, current.Balance.Tokens + charge.Tokens), Math.Max(0m, current.Balance.Cost + charge.Cost)),
            };
        }
    }

    private void Prune()
    {
        var now = _timeProvider.GetUtcNow();
        List<string>? expired = null;
        foreach (var (key, counter) in _counters)
        {
            if (counter.ExpiresAt <= now)
            {
                (expired ??= []).Add(key);
            }
        }

        expired?.ForEach(key => _counters.Remove(key));
    }

    private readonly record struct Counter(BudgetBalance Balance, DateTimeOffset? ExpiresAt);
}
