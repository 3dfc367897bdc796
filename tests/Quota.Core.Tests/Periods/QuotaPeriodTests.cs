namespace Quota.Tests.Periods;

public sealed class QuotaPeriodTests
{
    [Theory]
    [InlineData("hourly", "PT1H")]
    [InlineData("Daily", "P1D")]
    [InlineData("WEEKLY", "P7D")]
    [InlineData("monthly", "P1M")]
    [InlineData("yearly", "P1Y")]
    [InlineData(" monthly ", "P1M")]
    [InlineData("P3M", "P3M")]
    [InlineData("p3m", "P3M")]
    [InlineData("P2W", "P14D")]
    [InlineData("PT6H", "PT6H")]
    [InlineData("pt30m", "PT30M")]
    [InlineData("P10D", "P10D")]
    [InlineData("P1DT12H", "P1DT12H")]
    [InlineData("P1Y6M", "P1Y6M")]
    public void Parse_accepts_keywords_and_iso_periods_ignoring_case(string text, string iso)
    {
        var period = QuotaPeriod.Parse(text);

        Assert.Equal(iso, period.ToIsoString());
    }

    [Fact]
    public void Keywords_are_the_named_instances()
    {
        Assert.Same(QuotaPeriod.Hourly, QuotaPeriod.Parse("hourly"));
        Assert.Same(QuotaPeriod.Daily, QuotaPeriod.Parse("daily"));
        Assert.Same(QuotaPeriod.Weekly, QuotaPeriod.Parse("weekly"));
        Assert.Same(QuotaPeriod.Monthly, QuotaPeriod.Parse("monthly"));
        Assert.Same(QuotaPeriod.Yearly, QuotaPeriod.Parse("yearly"));
        Assert.Equal("monthly", QuotaPeriod.Monthly.ToString());
    }

    [Fact]
    public void Equal_periods_compare_equal()
    {
        Assert.Equal(QuotaPeriod.Weekly, QuotaPeriod.Parse("P7D"));
        Assert.Equal(QuotaPeriod.Hourly, QuotaPeriod.Parse("PT60M"));
        Assert.NotEqual(QuotaPeriod.Monthly, QuotaPeriod.Parse("P30D"));
    }

    [Theory]
    [InlineData("fortnightly")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("P0D")]
    [InlineData("PT0S")]
    [InlineData("-P1D")]
    [InlineData("P-1D")]
    [InlineData("P1M-1D")]
    [InlineData("P")]
    [InlineData("1M")]
    [InlineData("PT0.5S")]
    [InlineData("P1DT0.5S")]
    [InlineData("monthly please")]
    public void Parse_refuses_anything_else_listing_what_it_takes(string text)
    {
        var error = Assert.Throws<FormatException>(() => QuotaPeriod.Parse(text));

        Assert.Contains("'hourly', 'daily', 'weekly', 'monthly', 'yearly'", error.Message);
        Assert.Contains("ISO-8601", error.Message);
        Assert.False(QuotaPeriod.TryParse(text, out _));
    }

    [Fact]
    public void Parse_refuses_null()
    {
        Assert.Throws<ArgumentNullException>(() => QuotaPeriod.Parse(null!));
        Assert.False(QuotaPeriod.TryParse(null, out _));
    }

    [Fact]
    public void Elapsed_and_calendar_periods_are_told_apart()
    {
        Assert.True(QuotaPeriod.Hourly.IsElapsed);
        Assert.True(QuotaPeriod.Parse("PT6H").IsElapsed);
        Assert.False(QuotaPeriod.Daily.IsElapsed);
        Assert.False(QuotaPeriod.Parse("P1DT12H").IsElapsed);
        Assert.False(QuotaPeriod.Monthly.IsElapsed);
    }
}
