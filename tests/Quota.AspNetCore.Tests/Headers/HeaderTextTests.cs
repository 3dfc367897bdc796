using System.Globalization;

namespace Quota.AspNetCore.Tests.Headers;

/// <summary>The RateLimit values as HeaderText formats them, at the edges of its hand-sized strings.</summary>
public sealed class HeaderTextTests
{
    public static TheoryData<long> Numbers()
    {
        // Each side of every power of ten, so every digit count is met at both its ends; each value once.
        var values = new SortedSet<long> { 0, 1, long.MaxValue };
        var power = 1L;
        for (var exponent = 1; exponent <= 18; exponent++)
        {
            power *= 10;
            values.Add(power - 1);
            values.Add(power);
            values.Add(power + 1);
        }

        var data = new TheoryData<long>();
        foreach (var value in values)
        {
            data.Add(value);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Numbers))]
    public void Digits_counts_every_decimal_digit(long value)
        => Assert.Equal(value.ToString(CultureInfo.InvariantCulture).Length, HeaderText.Digits(value));

    [Theory]
    [MemberData(nameof(Numbers))]
    public void One_item_is_formatted_exactly_at_every_length(long value)
    {
        var text = default(HeaderText);
        text.Add(Item("api"), value, 2_678_400);
        Assert.Equal($"\"api\";r={value.ToString(CultureInfo.InvariantCulture)};t=2678400", text.StateValue());

        var reset = default(HeaderText);
        reset.Add(Item("api"), 7, value);
        Assert.Equal($"\"api\";r=7;t={value.ToString(CultureInfo.InvariantCulture)}", reset.StateValue());
    }

    [Fact]
    public void Several_items_are_joined_in_order()
    {
        var text = default(HeaderText);
        text.Add(Item("daily"), 99, 86_400);
        text.Add(Item("monthly"), 0, 2_678_400);
        Assert.Equal("\"daily\";q=100;w=86400, \"monthly\";q=100;w=86400", text.PolicyValue());
        Assert.Equal("\"daily\";r=99;t=86400, \"monthly\";r=0;t=2678400", text.StateValue());
    }

    private static PolicyItem Item(string name) => RateLimitHeaders.FormatItem(name, RateLimitHeaders.TryQuote(name), "requests", first: true, limit: 100, window: 86_400)!;
}
