using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Quota.Tests.Storage;

public sealed class LosslessUtf8Tests
{
    private const int Tests = 2000;

    /// <summary>Strings of any UTF-16 code units, lone surrogates included, weighted towards surrogates.</summary>
    private static Arbitrary<string> AnyStrings =>
        Gen.Frequency(
                (3, Gen.Choose(0, 0xFFFF).Select(c => (char)c)),
                (2, Gen.Choose(0xD800, 0xDFFF).Select(c => (char)c)),
                (1, Gen.Elements('a', 'é', '\0', '\uFFFD')))
            .ArrayOf()
            .Select(chars => new string(chars))
            .ToArbitrary();

    [Fact]
    public void Every_string_round_trips()
        => Prop.ForAll(AnyStrings, s => LosslessUtf8.GetString(LosslessUtf8.GetBytes(s)) == s)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(Tests));

    [Fact]
    public void Distinct_strings_give_distinct_bytes()
        => Prop.ForAll(AnyStrings, AnyStrings, (a, b) => a == b || !LosslessUtf8.GetBytes(a).AsSpan().SequenceEqual(LosslessUtf8.GetBytes(b)))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(Tests));

    [Fact]
    public void Well_formed_strings_are_plain_UTF8_and_others_are_not()
        => Prop.ForAll(AnyStrings, s =>
            {
                var wellFormed = LosslessUtf8.IsWellFormed(s);
                var bytes = LosslessUtf8.GetBytes(s);
                return wellFormed
                    ? bytes.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(s))
                    : !System.Text.Unicode.Utf8.IsValid(bytes);
            })
            .Check(Config.QuickThrowOnFailure.WithMaxTest(Tests));

    [Fact]
    public void Lone_surrogates_are_found()
    {
        // Not theory data: test runners pass theory arguments as text, which does not carry a lone surrogate.
        (string Value, bool WellFormed)[] cases =
        [
            ("", true), ("plain", true), ("\uD83D\uDE00", true), ("a\uD83D\uDE00b", true),
            ("\uD83D", false), ("\uDE00", false), ("\uDE00\uD83D", false), ("\uD83D\uD83D\uDE00", false), ("\uD83D\uDE00\uDE00", false),
        ];

        Assert.All(cases, c => Assert.Equal(c.WellFormed, LosslessUtf8.IsWellFormed(c.Value)));
    }

    [Fact]
    public void A_lone_surrogate_is_its_own_three_bytes()
    {
        Assert.Equal([0xED, 0xA0, 0x80], LosslessUtf8.GetBytes("\uD800"));
        Assert.Equal([0x61, 0xED, 0xBF, 0xBF, 0x62], LosslessUtf8.GetBytes("a\uDFFFb"));
        Assert.Equal([0xEF, 0xBF, 0xBD], LosslessUtf8.GetBytes("\uFFFD"));
        Assert.Equal(new string('\uDC00', 300), LosslessUtf8.GetString(LosslessUtf8.GetBytes(new string('\uDC00', 300))));
    }

    [Fact]
    public void Bytes_that_are_neither_UTF8_nor_a_lone_surrogate_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => LosslessUtf8.GetString([0x61, 0xFF]));
        Assert.Contains("byte 1 (0xFF)", error.Message);
        Assert.Throws<ArgumentException>(() => LosslessUtf8.GetString([0xED, 0xA0]));
    }
}
