namespace Mai.Client.Accounting;

/// <summary>The documented defaults of the accounting options, in one place.</summary>
internal static class AccountingDefaults
{
    /// <summary>Output tokens reserved for a call that sets no <c>MaxOutputTokens</c>.</summary>
    public const int OutputTokenReservation = 4096;

    /// <summary>Records kept by an in-memory <see cref="UsageLedger"/>.</summary>
    public const int LedgerCapacity = 100_000;

    /// <summary>The <c>gen_ai.provider.name</c> reported in telemetry.</summary>
    public const string ProviderName = "azure.ai.inference";

    /// <summary>The sliding window TPM/RPM quotas are enforced over.</summary>
    public static readonly TimeSpan QuotaWindow = TimeSpan.FromMinutes(1);

    /// <summary>Segments of the quota window (10 s each), matching Azure's 1–10 s RPM evaluation.</summary>
    public const int QuotaSegments = 6;
}
