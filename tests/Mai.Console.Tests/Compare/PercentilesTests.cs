using Mai.Console.Compare;

namespace Mai.Console.Tests.Compare;

public class PercentilesTests
{
    [Fact]
    public void Of_OneToTwenty_P50AndP95ByLinearInterpolation()
    {
        var values = Enumerable.Range(1, 20).Select(i => (double)i).Reverse().ToList();

        Assert.Equal(10.5, Percentiles.Of(values, 0.50)!.Value, 9);
        Assert.Equal(19.05, Percentiles.Of(values, 0.95)!.Value, 9);
    }

    [Fact]
    public void Of_FourValues_InterpolatesBetweenClosestRanks()
    {
        double[] values = [40, 10, 30, 20];

        Assert.Equal(25, Percentiles.Of(values, 0.50)!.Value, 9);
        Assert.Equal(38.5, Percentiles.Of(values, 0.95)!.Value, 9);
        Assert.Equal(10, Percentiles.Of(values, 0)!.Value, 9);
        Assert.Equal(40, Percentiles.Of(values, 1)!.Value, 9);
    }

    [Fact]
    public void Of_SingleValue_ThatValueForEveryQuantile()
    {
        Assert.Equal(7, Percentiles.Of([7], 0.95)!.Value, 9);
    }

    [Fact]
    public void Of_NoValues_Null()
    {
        Assert.Null(Percentiles.Of([], 0.5));
    }

    [Fact]
    public void Of_QuantileOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of([1], 1.5));
    }
}
