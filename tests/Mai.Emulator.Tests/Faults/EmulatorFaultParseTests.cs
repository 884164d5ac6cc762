namespace Mai.Emulator.Tests.Faults;

public sealed class EmulatorFaultParseTests
{
    public static TheoryData<string, EmulatorFault> Grammar => new()
    {
        { "none", EmulatorFault.None },
        { "429", EmulatorFault.RateLimit(TimeSpan.FromSeconds(1)) },
        { "429;retry-after=26", EmulatorFault.RateLimit(TimeSpan.FromSeconds(26)) },
        { "429;retry-after-ms=1500", EmulatorFault.RateLimit(TimeSpan.FromMilliseconds(1500), RetryAfterHeader.RetryAfterMs) },
        { "429;x-ms-retry-after-ms=250", EmulatorFault.RateLimit(TimeSpan.FromMilliseconds(250), RetryAfterHeader.XMsRetryAfterMs) },
        { "429;retry-after=none", EmulatorFault.RateLimit(TimeSpan.Zero, RetryAfterHeader.None) },
        { "503", EmulatorFault.HttpError(503) },
        { "reset", EmulatorFault.ConnectionReset() },
        { "cut;after=3", EmulatorFault.CutStream(3) },
        { "truncate;after=0", EmulatorFault.TruncateStream(0) },
        { "stall", EmulatorFault.Stall() },
        { "stall;after=2;ms=5000", EmulatorFault.Stall(TimeSpan.FromSeconds(5), 2) },
        { "malformed", EmulatorFault.MalformedJson() },
        { "malformed;after=4", EmulatorFault.MalformedJson(4) },
        { "content-filter", EmulatorFault.ContentFilter() },
        { "context-length", EmulatorFault.ContextLengthExceeded() },
    };

    [Theory]
    [MemberData(nameof(Grammar))]
    public void Parse_EachFormOfTheGrammar_GivesTheFaultAndRoundTrips(string text, EmulatorFault expected)
    {
        var fault = EmulatorFault.Parse(text);

        Assert.Equal(expected.Kind, fault.Kind);
        Assert.Equal(expected.StatusCode, fault.StatusCode);
        Assert.Equal(expected.RetryAfter, fault.RetryAfter);
        Assert.Equal(expected.RetryAfterHeader, fault.RetryAfterHeader);
        Assert.Equal(expected.AfterChunks, fault.AfterChunks);
        Assert.Equal(expected.Duration, fault.Duration);
        var canonical = text == "429" ? "429;retry-after=1" : text;
        Assert.Equal(canonical, fault.ToString());
        Assert.Equal(canonical, expected.ToString());
    }

    [Fact]
    public void Parse_CaseAndSpaces_AreTolerated()
    {
        var fault = EmulatorFault.Parse(" CUT ; After = 2 ");

        Assert.Equal(EmulatorFaultKind.CutStream, fault.Kind);
        Assert.Equal(2, fault.AfterChunks);
    }

    [Theory]
    [InlineData("", "The fault text is empty.")]
    [InlineData("explode", "Unknown fault 'explode'.")]
    [InlineData("200", "Unknown fault '200'.")]
    [InlineData("cut;after=x", "Fault parameter 'after' needs a non-negative integer, got 'x'.")]
    [InlineData("cut;after", "Fault parameter 'after' is not key=value.")]
    [InlineData("reset;after=1", "Fault 'reset' does not take parameter 'after'.")]
    public void Parse_BadText_ThrowsFormatExceptionNamingThePart(string text, string message)
    {
        var ex = Assert.Throws<FormatException>(() => EmulatorFault.Parse(text));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Factories_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EmulatorFault.HttpError(200));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmulatorFault.CutStream(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmulatorFault.RateLimit(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmulatorFault.Stall(TimeSpan.FromSeconds(-1)));
        Assert.Equal(EmulatorFaultKind.RateLimit, EmulatorFault.HttpError(429).Kind);
    }
}
