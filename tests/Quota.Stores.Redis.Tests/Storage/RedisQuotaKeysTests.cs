using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Quota.Stores.Redis;

namespace Quota.Tests.Storage;

public sealed class RedisQuotaKeysTests
{
    [Fact]
    public void The_tag_is_base64url_sha256_of_the_length_prefixed_policy_and_key_in_utf16()
    {
        // The README's recipe, computed independently: int32 LE policy length, then UTF-16LE policy and key.
        var bytes = new List<byte>();
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, "api".Length);
        bytes.AddRange(length);
        bytes.AddRange(Encoding.Unicode.GetBytes("api"));
        bytes.AddRange(Encoding.Unicode.GetBytes("alice"));
        var expected = Base64Url.EncodeToString(SHA256.HashData(bytes.ToArray()));

        Assert.Equal(expected, RedisQuotaKeys.Tag("api", "alice"));
        Assert.Equal(RedisQuotaKeys.TagLength, expected.Length);
    }

    [Fact]
    public void Key_names_follow_the_documented_layout()
    {
        var keys = new RedisQuotaKeys("myapp:quota");
        var tag = RedisQuotaKeys.Tag("api", "alice");
        var (counter, ids) = keys.Counter(new QuotaCounterKey("api", "alice", Instant.FromUnixTimeMilliseconds(1_767_225_600_000)));

        Assert.Equal($"myapp:quota:{{{tag}}}:c:1767225600000", (string?)counter);
        Assert.Equal($"myapp:quota:{{{tag}}}:ids:1767225600000", (string?)ids);
        Assert.Equal($"myapp:quota:{{{tag}}}:anchor", (string?)keys.Anchor("api", "alice"));
    }

    [Theory]
    [InlineData("ab", "c", "a", "bc")]
    [InlineData("p", "k", "P", "k")]
    [InlineData("p", "a\u0000", "p", "a")]
    public void Different_pairs_get_different_tags(string policy1, string key1, string policy2, string key2)
        => Assert.NotEqual(RedisQuotaKeys.Tag(policy1, key1), RedisQuotaKeys.Tag(policy2, key2));

    [Fact]
    public void Malformed_utf16_keys_stay_apart()
    {
        // Built at run time: attribute data would turn lone surrogates into U+FFFD, as UTF-8 encoding does.
        var high = new string((char)0xD800, 1);
        var low = new string((char)0xDC00, 1);

        Assert.NotEqual(RedisQuotaKeys.Tag("p", high), RedisQuotaKeys.Tag("p", low));
        Assert.NotEqual(RedisQuotaKeys.Tag("p", high), RedisQuotaKeys.Tag("p", "\uFFFD"));
    }

    [Fact]
    public void Tags_of_huge_keys_use_only_key_safe_characters()
    {
        var tag = RedisQuotaKeys.Tag("p", new string('{', 10_240) + "}:ü");

        Assert.Equal(RedisQuotaKeys.TagLength, tag.Length);
        Assert.All(tag, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' in tag"));
    }

    [Fact]
    public void Cycle_starts_are_unix_milliseconds_with_sub_millisecond_nanoseconds_when_present()
    {
        Assert.Equal("1767225600000", RedisQuotaKeys.FormatInstant(Instant.FromUnixTimeMilliseconds(1_767_225_600_000)));
        Assert.Equal("1767225600000.000500", RedisQuotaKeys.FormatInstant(Instant.FromUnixTimeMilliseconds(1_767_225_600_000) + Duration.FromNanoseconds(500)));
        Assert.Equal("-1.999999", RedisQuotaKeys.FormatInstant(Instant.FromUnixTimeTicks(0) - Duration.FromNanoseconds(1)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(5)]
    public void Meter_kinds_spell_limited_and_unlimited_meters_in_order(int count)
    {
        var deltas = Enumerable.Range(0, count).Select(i => new QuotaMeterDelta("m" + i, 1, i % 3 == 1 ? null : 10)).ToArray();
        var expected = new string(deltas.Select(d => d.Limit.HasValue ? 'L' : 'U').ToArray());

        Assert.Equal(expected, RedisMeterKinds.Of(deltas));
    }
}
