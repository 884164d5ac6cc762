using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mai.Client.Accounting;

/// <summary>Names and instruments of the telemetry the accounting layer emits (OpenTelemetry GenAI semantic conventions).</summary>
internal sealed class MaiTelemetry
{
    public const string SourceName = "Mai.Client";

    public const string TokenUsage = "gen_ai.client.token.usage";
    public const string OperationDuration = "gen_ai.client.operation.duration";
    public const string TimeToFirstChunk = "gen_ai.client.operation.time_to_first_chunk";
    public const string Cost = "mai.client.cost";

    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string TokenType = "gen_ai.token.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ErrorType = "error.type";
    public const string ResponseId = "gen_ai.response.id";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string CacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens";
    public const string ReasoningOutputTokens = "gen_ai.usage.reasoning.output_tokens";
    public const string Currency = "mai.cost.currency";
    public const string Estimated = "mai.usage.estimated";
    public const string Deployment = "mai.deployment";

    public const string Chat = "chat";

    // Bucket boundaries the GenAI semantic conventions advise for these histograms.
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    private static readonly double[] SecondBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    private static readonly Meter SharedMeter = new(SourceName);

    public static readonly ActivitySource ActivitySource = new(SourceName);

    public MaiTelemetry(IMeterFactory? meterFactory, string currency)
    {
        var meter = meterFactory?.Create(SourceName) ?? SharedMeter;
        TokenUsageHistogram = meter.CreateHistogram(
            TokenUsage, "{token}", "Number of input and output tokens used.",
            tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        DurationHistogram = meter.CreateHistogram(
            OperationDuration, "s", "GenAI operation duration.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondBuckets });
        TimeToFirstChunkHistogram = meter.CreateHistogram(
            TimeToFirstChunk, "s", "Time to receive the first chunk of a streaming response.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondBuckets });
        CostCounter = meter.CreateCounter<double>(
            Cost, currency, "Cost of the tokens used, from the price table, in the unit's currency.");
    }

    public Histogram<long> TokenUsageHistogram { get; }

    public Histogram<double> DurationHistogram { get; }

    public Histogram<double> TimeToFirstChunkHistogram { get; }

    public Counter<double> CostCounter { get; }
}
