namespace Quota.AspNetCore.Tests.Options;

public sealed class StatusCodeRangesTests
{
    [Fact]
    public void The_default_counts_exactly_200_to_299()
    {
        var ranges = StatusCodeRanges.Default;
        Assert.All(Enumerable.Range(200, 100), code => Assert.True(ranges.Contains(code)));
        Assert.All(new[] { 0, 99, 100, 199, 300, 304, 404, 500, 599, 600, -1, int.MaxValue, int.MinValue }, code => Assert.False(ranges.Contains(code)));
    }

    [Fact]
    public void Ranges_and_single_codes_combine()
    {
        var ranges = StatusCodeRanges.Parse("200-299, 304");
        var counted = Enumerable.Range(0, 700).Where(ranges.Contains).ToArray();
        Assert.Equal(Enumerable.Range(200, 100).Append(304), counted);
    }

    [Theory]
    [InlineData(" 100 - 101 ,599", new[] { 100, 101, 599 })]
    [InlineData("404", new[] { 404 })]
    [InlineData("500,500,500-500", new[] { 500 })]
    public void Whitespace_and_repeats_are_fine(string text, int[] expected)
        => Assert.Equal(expected, Enumerable.Range(0, 700).Where(StatusCodeRanges.Parse(text).Contains));

    [Theory]
    [InlineData("200-", "'200-'")]
    [InlineData("abc", "'abc'")]
    [InlineData("600", "'600'")]
    [InlineData("99", "'99'")]
    [InlineData("200-299,", "''")]
    [InlineData("-200", "'-200'")]
    [InlineData("+200", "'+200'")]
    [InlineData("2 00", "'2 00'")]
    [InlineData("299-200", "ends before it starts")]
    [InlineData("", "lists no status code")]
    [InlineData("  ", "lists no status code")]
    public void Malformed_text_is_refused_naming_the_bad_part(string text, string expected)
    {
        Assert.False(StatusCodeRanges.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
