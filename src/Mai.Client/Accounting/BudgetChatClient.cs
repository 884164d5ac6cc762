using System.Globalization;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mai.Client.Accounting;

/// <summary>
/// Admits a logical call against token and cost budgets per scope before anything is sent, and settles the reservation to the
/// real usage of all its attempts afterwards (success or failure, streaming included, even when the caller stops early).
/// </summary>
/// <remarks>
/// <para>Place it at the top of the pipeline, above resilience. Admission reserves the call's worst case in every matching limit,
/// atomically: the prompt estimated with each reachable model's tokenizer (messages, tool definitions and the response-format
/// schema), plus the call's <c>MaxOutputTokens</c> or, without one, the largest output ceiling of the models it may reach
/// (<see cref="BudgetOptions.OutputTokenCeilings"/>, at most the context window left), priced at the most expensive of them
/// (<see cref="BudgetOptions.FallbackModelIds"/>). If one limit does not fit, a <see cref="BudgetExceededException"/> is thrown and
/// no request is made. Settlement returns the difference, so a limit is never overspent as long as the service keeps to
/// <c>max_tokens</c>.</para>
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
    private readonly TokenEstimator? _estimator;
    private readonly string? _modelId;
    private readonly string[] _fallbackModels;
    private readonly Dictionary<string, int> _outputCeilings;
    private readonly int? _contextWindow;
    private readonly int _defaultOutputReservation;
    private readonly bool _refuseUnpriced;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string?[]? _primaryModels; // the models a call on the primary model may reach, built once
    private readonly List<TokenEstimator>? _primaryEstimators;

    /// <summary>Initializes a new instance of the <see cref="BudgetChatClient"/> class.</summary>
    /// <param name="innerClient">The rest of the pipeline (resilience, metering, transport).</param>
    /// <param name="options">The limits and how to reserve.</param>
    /// <param name="loggerFactory">Creates the logger; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock that decides which window a call falls in; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public BudgetChatClient(IChatClient innerClient, BudgetOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _limits = [.. options.Limits.Select(l => l.Copy())];
        _timeProvider = timeProvider ?? TimeProvider.System;
        _store = options.Store ?? new InMemoryBudgetStore(_timeProvider);
        _prices = options.PriceTable;
        _estimator = options.TokenEstimator;
        _modelId = options.ModelId;
        _fallbackModels = [.. options.FallbackModelIds];
        _outputCeilings = new Dictionary<string, int>(options.OutputTokenCeilings, StringComparer.OrdinalIgnoreCase);
        _contextWindow = options.ContextWindowTokens;
        _defaultOutputReservation = options.DefaultOutputTokenReservation;
        _refuseUnpriced = options.RefuseUnpricedModels;
        _logger = loggerFactory?.CreateLogger<BudgetChatClient>() ?? NullLogger<BudgetChatClient>.Instance;

        _primaryModels = Models(_modelId);
        _primaryEstimators = Estimators(_modelId);

        // Admission will need the vocabulary: load it in the background now, off the first caller's path.
        foreach (var estimator in _primaryEstimators)
        {
            _ = estimator.WhenLoadedAsync().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
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
}
