using System.Diagnostics;
using Azure;
using Azure.AI.Inference;
using Azure.Core.Pipeline;
using Mai.Client;
using MeaiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using MeaiChatRole = Microsoft.Extensions.AI.ChatRole;

namespace Mai.LoadTest;

/// <summary>
/// The child process: N concurrent streams of one contender against the emulator. Each stream is held open by the emulator
/// (<c>x-mai-fault: stall;after=2;ms=…</c>: the role chunk and one content chunk, then a pause, then the rest), so that all N
/// are open at once; while they are, the live heap (after a full GC) and the working set are measured.
/// </summary>
public static class StreamRunner
{
    public const string ApiKey = "mai-loadtest-key";
    private const string Model = "gpt-4o";
    private const string Prompt = "Write two sentences about load testing.";

    public static async Task<RunResult> RunAsync(string contender, Uri endpoint, int streams, TimeSpan stall, double rampPerSecond)
    {
        if (!endpoint.IsLoopback)
        {
            throw new ArgumentException($"The load tool only talks to loopback; '{endpoint}' is not.", nameof(endpoint));
        }

        var faults = new FaultHeaderHandler
        {
            InnerHandler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = int.MaxValue,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(60),
            },
        };
        using var http = new HttpClient(faults) { Timeout = Timeout.InfiniteTimeSpan };

        Func<CancellationToken, Action, Task<(TimeSpan Ttft, int Chunks)>> stream = contender switch
        {
            "azure" => AzureStream(http, endpoint),
            "mai" => MaiStream(http, endpoint),
            _ => throw new ArgumentException($"Unknown contender '{contender}' (azure | mai).", nameof(contender)),
        };

        using var deadline = new CancellationTokenSource(stall + TimeSpan.FromSeconds(180));

        // Warm up: JIT, one pooled connection, the tokenizer and price table of the pipeline.
        for (var i = 0; i < 20; i++)
        {
            await stream(deadline.Token, static () => { }).ConfigureAwait(false);
        }

        faults.Fault = $"stall;after=2;ms={(long)stall.TotalMilliseconds}";
        var process = Process.GetCurrentProcess();
        var baselineHeap = GC.GetTotalMemory(forceFullCollection: true);
        process.Refresh();
        var baselineWorkingSet = process.WorkingSet64;
        var baselineThreads = ThreadPool.ThreadCount;
        var cpuBefore = process.TotalProcessorTime;

        var opened = 0;
        var allOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ttfts = new double[streams];
        var totals = new double[streams];
        var failures = 0;
        string? firstError = null;
        var wall = Stopwatch.StartNew();
        var tasks = new Task[streams];
        for (var i = 0; i < streams; i++)
        {
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    var (ttft, _) = await stream(deadline.Token, () =>
                    {
                        if (Interlocked.Increment(ref opened) == streams)
                        {
                            allOpen.TrySetResult();
                        }
                    }).ConfigureAwait(false);
                    ttfts[index] = ttft.TotalMilliseconds;
                    totals[index] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstError, $"{ex.GetType().Name}: {ex.Message}", null);
                    ttfts[index] = totals[index] = double.NaN;
                }
            });

            // Ramp: a steady rate of new streams, like clients arriving (and within the listen backlog).
            var due = TimeSpan.FromSeconds((i + 1) / rampPerSecond);
            if (wall.Elapsed < due && (i + 1) % 50 == 0)
            {
                await Task.Delay(due - wall.Elapsed).ConfigureAwait(false);
            }
        }

        // Sample while the streams run; measure once when all are open (they stay open for the stall).
        long peakHeap = 0;
        var peakThreads = baselineThreads;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetGCMemoryInfo().HeapSizeBytes);
                peakThreads = Math.Max(peakThreads, ThreadPool.ThreadCount);
                try
                {
                    await Task.Delay(50, sampling.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });

        var allOpenInTime = await Task.WhenAny(allOpen.Task, Task.Delay(stall)).ConfigureAwait(false) == allOpen.Task;
        var openPhase = wall.Elapsed.TotalSeconds;
        var openLiveHeap = GC.GetTotalMemory(forceFullCollection: true);
        process.Refresh();
        var openWorkingSet = process.WorkingSet64;

        await Task.WhenAll(tasks).ConfigureAwait(false);
        wall.Stop();
        await sampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        process.Refresh();

        var okTtft = ttfts.Where(x => !double.IsNaN(x)).Order().ToArray();
        var okTotal = totals.Where(x => !double.IsNaN(x)).Order().ToArray();
        return new RunResult
        {
            Contender = contender,
            Streams = streams,
            Completed = streams - failures,
            Failed = failures,
            FirstError = firstError,
            AllOpenAtOnce = allOpenInTime,
            OpenPhaseSeconds = openPhase,
            WallSeconds = wall.Elapsed.TotalSeconds,
            TtftP50Ms = Percentile(okTtft, 0.50),
            TtftP99Ms = Percentile(okTtft, 0.99),
            TotalP50Ms = Percentile(okTotal, 0.50),
            TotalP99Ms = Percentile(okTotal, 0.99),
            BaselineWorkingSet = baselineWorkingSet,
            BaselineHeap = baselineHeap,
            OpenWorkingSet = openWorkingSet,
            OpenLiveHeap = openLiveHeap,
            PeakWorkingSet = process.PeakWorkingSet64,
            PeakHeapSize = peakHeap,
            BaselineThreads = baselineThreads,
            PeakThreads = peakThreads,
            CpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds,
        };
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static Func<CancellationToken, Action, Task<(TimeSpan, int)>> AzureStream(HttpClient http, Uri endpoint)
    {
        var options = new AzureAIInferenceClientOptions { Transport = new HttpClientTransport(http) };
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromMinutes(5);
        var client = new ChatCompletionsClient(new Uri(endpoint, "/models"), new AzureKeyCredential(ApiKey), options);
        return async (cancellationToken, onOpen) =>
        {
            var request = new ChatCompletionsOptions { Messages = { new ChatRequestUserMessage(Prompt) }, Model = Model };
            var start = Stopwatch.GetTimestamp();
            TimeSpan? ttft = null;
            var chunks = 0;
            using var response = await client.CompleteStreamingAsync(request, cancellationToken).ConfigureAwait(false);
            await foreach (var update in response.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (!string.IsNullOrEmpty(update.ContentUpdate))
                {
                    chunks++;
                    if (ttft is null)
                    {
                        ttft = Stopwatch.GetElapsedTime(start);
                        onOpen();
                    }
                }
            }

            return (ttft ?? throw new InvalidOperationException("The stream carried no text."), chunks);
        };
    }

    private static Func<CancellationToken, Action, Task<(TimeSpan, int)>> MaiStream(HttpClient http, Uri endpoint)
    {
        var client = new MaiClient(new MaiClientOptions
        {
            Endpoint = new Uri(endpoint, "/models"),
            Model = Model,
            ApiKey = ApiKey,
            HttpClient = http,
            NetworkTimeout = TimeSpan.FromMinutes(5),
        });
        MeaiChatMessage[] messages = [new(MeaiChatRole.User, Prompt)];
        return async (cancellationToken, onOpen) =>
        {
            var start = Stopwatch.GetTimestamp();
            TimeSpan? ttft = null;
            var chunks = 0;
            MaiResult? result = null;
            await foreach (var update in client.StreamAsync(messages, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (update.Kind == MaiUpdateKind.Answer)
                {
                    chunks++;
                    if (ttft is null)
                    {
                        ttft = Stopwatch.GetElapsedTime(start);
                        onOpen();
                    }
                }
                else if (update.Kind == MaiUpdateKind.Completed)
                {
                    result = update.Result;
                }
            }

            if (result is null || result.Answer.Length == 0)
            {
                throw new InvalidOperationException("The stream ended without a completed result.");
            }

            return (ttft ?? throw new InvalidOperationException("The stream carried no text."), chunks);
        };
    }

    /// <summary>Adds the emulator's per-request fault header to every request, for both contenders alike.</summary>
    private sealed class FaultHeaderHandler : DelegatingHandler
    {
        public string? Fault { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Fault is { } fault)
            {
                request.Headers.TryAddWithoutValidation("x-mai-fault", fault);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
