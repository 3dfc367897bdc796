namespace Quota.Tests.Storage;

public sealed class QuotaCounterValuesTests
{
    [Theory]
    [InlineData(new long[0])]
    [InlineData(new long[] { 7 })]
    [InlineData(new long[] { 7, -3 })]
    [InlineData(new long[] { 7, -3, long.MaxValue })]
    public void A_list_holds_exactly_the_values_it_was_given(long[] values)
    {
        var list = QuotaCounterValues.From(values);

        Assert.Equal(values.Length, list.Count);
        Assert.Equal(values, Enumerable.Range(0, list.Count).Select(i => list[i]));
        Assert.Equal(values, list.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => list[values.Length]);
    }

    [Fact]
    public void The_default_list_is_empty()
    {
        var list = default(QuotaCounterValues);

        Assert.Equal(0, list.Count);
        Assert.Empty(list.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => list[0]);
    }

    [Fact]
    public void A_stores_two_grants_reach_the_result_both()
    {
        // A store reporting grants of requests and tokens, built the way a third-party store would.
        var result = new QuotaStoreResult(true, -1, QuotaCounterValues.From([3, 250]), QuotaCounterValues.From([5, 1000]));

        Assert.Equal(2, result.Granted.Count);
        Assert.Equal((5L, 1000L), (result.Granted[0], result.Granted[1]));
    }

    [Fact]
    public void A_list_is_no_larger_than_three_words_so_a_store_result_stays_small()
    {
        // The one-meter consume passes a store result around by value: one more word made it measurably slower.
        Assert.Equal(3 * IntPtr.Size, System.Runtime.CompilerServices.Unsafe.SizeOf<QuotaCounterValues>());
    }
}
