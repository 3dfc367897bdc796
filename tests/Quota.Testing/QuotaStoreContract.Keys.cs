using System.Globalization;
using System.Text;
using NodaTime;
using Xunit;

namespace Quota.Testing;

/// <summary>Keys are data: any two distinct .NET strings are distinct policies, subjects, meters and idempotency ids.</summary>
public abstract partial class QuotaStoreContract
{
    /// <summary>
    /// Strings that are all distinct (ordinal) yet collide under a lossy or normalising encoding: lone UTF-16 surrogates
    /// (which UTF-8 encoders replace with U+FFFD), canonically equivalent forms (NFC vs NFD), case, and trailing or
    /// invisible whitespace. Kept out of theory data: test runners pass theory arguments as text, and a lone surrogate
    /// does not survive that.
    /// </summary>
    protected static readonly string[] LookAlikeStrings =
    [
        "\uD800",            // a lone high surrogate
        "\uDC00",            // a lone low surrogate
        "\uFFFD",            // the replacement character a lossy UTF-8 encoder writes for either
        "\uFFFD\uFFFD",
        "a\uDC00",
        "a\uDC01",
        "a\uFFFD",
        "\uD83D\uDE00",      // a surrogate pair (U+1F600)
        "\uD83D",            // its high half alone
        "\uDE00\uD83D",      // its halves reversed: two lone surrogates
        "\uD83D\uD83D\uDE00",
        "\u00E9",            // é, NFC
        "e\u0301",           // é, NFD
        "\u00C5",            // Å
        "A\u030A",           // Å, NFD
        "\u212B",            // the Angstrom sign, canonically equivalent to Å
        "Alice",
        "alice",
        "ALICE",
        "alice ",
        "alice\t",
        "alice\n",
        "alice\u00A0",       // no-break space
        "alice\u200B",       // zero-width space
        "\uFEFFalice",       // a byte-order mark in front
    ];

    [Fact]
    public async Task Subject_keys_that_differ_only_in_encoding_normalisation_case_or_whitespace_stay_apart()
    {
        var store = CreateStore(Clock);
        var policy = NewPolicy();
        var counters = LookAlikeStrings.Select(key => new QuotaCounterKey(policy, key, Clock.GetCurrentInstant())).ToArray();

        for (var i = 0; i < counters.Length; i++)
        {
            await store.TryAddAsync(counters[i], Deltas(new QuotaMeterDelta("requests", i + 1, 1000)), Expiry);
            await store.GetOrSetAnchorAsync(policy, LookAlikeStrings[i], Clock.GetCurrentInstant() + Duration.FromSeconds(i));
        }

        for (var i = 0; i < counters.Length; i++)
        {
            var read = await store.ReadAsync(counters[i]);
            Assert.True(read.TryGetValue("requests", out var used) && used == i + 1, $"Subject {Show(LookAlikeStrings[i])} reads {string.Join(", ", read.Select(m => $"{Show(m.Key)}={m.Value}"))} instead of requests={i + 1}.");
            Assert.Equal(Clock.GetCurrentInstant() + Duration.FromSeconds(i), await store.GetAnchorAsync(policy, LookAlikeStrings[i]));
        }
    }

    [Fact]
    public async Task Policies_that_differ_only_in_a_lone_surrogate_stay_apart()
    {
        var store = CreateStore(Clock);
        var policy = NewPolicy();
        string[] policies = [policy + "\uD800", policy + "\uDC00", policy + "\uFFFD"];

        for (var i = 0; i < policies.Length; i++)
        {
            await store.AddAsync(new QuotaCounterKey(policies[i], "k", Clock.GetCurrentInstant()), Deltas(new QuotaMeterDelta("rows", i + 1)), Expiry);
            await store.GetOrSetAnchorAsync(policies[i], "k", Clock.GetCurrentInstant() + Duration.FromSeconds(i));
        }

        for (var i = 0; i < policies.Length; i++)
        {
            Assert.Equal(i + 1, (await store.ReadAsync(new QuotaCounterKey(policies[i], "k", Clock.GetCurrentInstant())))["rows"]);
            Assert.Equal(Clock.GetCurrentInstant() + Duration.FromSeconds(i), await store.GetAnchorAsync(policies[i], "k"));
        }
    }

    [Fact]
    public async Task Meter_names_that_differ_only_in_encoding_normalisation_case_or_whitespace_stay_apart()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        var deltas = LookAlikeStrings.Select((meter, i) => new QuotaMeterDelta(meter, i + 1, 1000)).ToArray();

        var conditional = await store.TryAddAsync(counter, deltas, Expiry);
        var unconditional = await store.AddAsync(counter, deltas.Select(d => d with { Limit = null }).ToArray(), Expiry);
        var subtracted = await store.SubtractAsync(counter, deltas.Select((d, i) => d with { Amount = i % 2 }).ToArray());

        Assert.True(conditional.Applied);
        var read = await store.ReadAsync(counter);
        var expected = LookAlikeStrings.Select((meter, i) => $"{Show(meter)}={(2 * (i + 1)) - (i % 2)}").ToArray();
        Assert.Equal(expected, LookAlikeStrings.Select(meter => $"{Show(meter)}={(read.TryGetValue(meter, out var value) ? value : -1)}").ToArray());
        Assert.Equal(LookAlikeStrings.Length, read.Count);
        for (var i = 0; i < deltas.Length; i++)
        {
            Assert.Equal(i + 1, conditional.Values[i]);
            Assert.Equal(2 * (i + 1), unconditional.Values[i]);
            Assert.Equal((2 * (i + 1)) - (i % 2), subtracted[i]);
        }
    }

    [Fact]
    public async Task Idempotency_ids_that_differ_only_in_encoding_normalisation_case_or_whitespace_stay_apart()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();

        foreach (var id in LookAlikeStrings)
        {
            Assert.True((await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 1)), Expiry, id)).Applied, $"Id {Show(id)} was taken for one applied before.");
        }

        foreach (var id in LookAlikeStrings)
        {
            Assert.False((await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 1)), Expiry, id)).Applied, $"Id {Show(id)} was applied twice.");
        }

        Assert.Equal(LookAlikeStrings.Length, (await store.ReadAsync(counter))["rows"]);
    }

    /// <summary>Spells a string out as its UTF-16 code units, so an assertion message shows what a lone surrogate is.</summary>
    protected static string Show(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c is >= ' ' and <= '~' ? c.ToString() : string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"));
        }

        return text.Append('"').ToString();
    }
}
