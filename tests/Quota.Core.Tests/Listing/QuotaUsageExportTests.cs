using NodaTime.Testing;
using System.Text;
using System.Text.Json;
using Quota.Tests.Support;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Listing;

/// <summary>CSV and JSON Lines exports: exact text, keys that are data, and a listing streamed through without being held.</summary>
public sealed class QuotaUsageExportTests
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 3, 10, 8, 30));

    private IQuotaService Monthly(IQuotaStore? store = null) => Create(_clock, q => q.AddPolicy("api", p =>
    {
        p.Period = "monthly";
        p.Allowances["requests"] = 100;
        p.Allowances["tokens"] = 5000;
    }), store);

    private static async Task<string> Export(IQuotaService quota, QuotaExportFormat format, QuotaListOptions? options = null)
    {
        using var stream = new MemoryStream();
        await quota.ExportUsageAsync("api", stream, format, options);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task Csv_has_a_row_per_subject_and_meter_with_keys_quoted_as_RFC_4180_says()
    {
        var quota = Monthly();
        await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 3), ("tokens", 250), ("images", 2)));
        _clock.Advance(Duration.FromMinutes(15));
        await quota.TryConsumeAsync("api", "o'brien, \"ltd\"\r\nline 2");
        await quota.GrantAsync("api", "o'brien, \"ltd\"\r\nline 2", "requests", 50, "ticket 1");

        var csv = await Export(quota, QuotaExportFormat.Csv);

        Assert.Equal(
            "policy,subject,anchor,cycle_start,cycle_end,meter,used,limit,granted,remaining,reserved\r\n"
            + "api,alice,2026-03-10T08:30:00Z,2026-03-10T08:30:00Z,2026-04-10T08:30:00Z,images,2,,0,,0\r\n"
            + "api,alice,2026-03-10T08:30:00Z,2026-03-10T08:30:00Z,2026-04-10T08:30:00Z,requests,3,100,0,97,0\r\n"
            + "api,alice,2026-03-10T08:30:00Z,2026-03-10T08:30:00Z,2026-04-10T08:30:00Z,tokens,250,5000,0,4750,0\r\n"
            + "api,\"o'brien, \"\"ltd\"\"\r\nline 2\",2026-03-10T08:45:00Z,2026-03-10T08:45:00Z,2026-04-10T08:45:00Z,requests,1,150,50,149,0\r\n"
            + "api,\"o'brien, \"\"ltd\"\"\r\nline 2\",2026-03-10T08:45:00Z,2026-03-10T08:45:00Z,2026-04-10T08:45:00Z,tokens,0,5000,0,5000,0\r\n",
            csv);
    }

    [Fact]
    public async Task Json_lines_hold_one_subject_each_with_meters_grants_and_alerts()
    {
        var quota = Monthly();
        await quota.TryConsumeAsync("api", "ключ \"1\"", Amounts(("requests", 3), ("images", 2)));
        await quota.GrantAsync("api", "ключ \"1\"", "tokens", 10, "ticket \"7\"");
        await quota.TryConsumeAsync("api", "bob");

        var lines = (await Export(quota, QuotaExportFormat.JsonLines)).Split('\n');

        Assert.Equal(3, lines.Length);
        Assert.Equal(string.Empty, lines[2]);
        using var first = JsonDocument.Parse(lines[1]);
        var root = first.RootElement;
        Assert.Equal("ключ \"1\"", root.GetProperty("subject").GetString());
        Assert.Equal("2026-04-10T08:30:00Z", root.GetProperty("cycleEnd").GetString());
        var meters = root.GetProperty("meters").EnumerateArray().ToDictionary(m => m.GetProperty("meter").GetString()!);
        Assert.Equal(JsonValueKind.Null, meters["images"].GetProperty("limit").ValueKind);
        Assert.Equal(2, meters["images"].GetProperty("used").GetInt64());
        Assert.Equal(5010, meters["tokens"].GetProperty("limit").GetInt64());
        Assert.Equal(10, meters["tokens"].GetProperty("granted").GetInt64());
        var grant = Assert.Single(root.GetProperty("grants").EnumerateArray());
        Assert.Equal("ticket \"7\"", grant.GetProperty("reason").GetString());
        Assert.Empty(root.GetProperty("alerts").EnumerateArray());
        Assert.StartsWith("{\"policy\":\"api\",\"subject\":\"bob\",", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_with_lone_surrogates_stay_apart_in_json_lines()
    {
        var quota = Monthly();
        await quota.TryConsumeAsync("api", "a\uD800");
        await quota.TryConsumeAsync("api", "a\uDBFF", Amounts(("requests", 2)));

        var json = await Export(quota, QuotaExportFormat.JsonLines);
        var csv = await Export(quota, QuotaExportFormat.Csv);

        Assert.Contains("\"subject\":\"a\\uD800\"", json, StringComparison.Ordinal);
        Assert.Contains("\"subject\":\"a\\uDBFF\"", json, StringComparison.Ordinal);
        Assert.Contains("api,a\uFFFD,", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_of_100000_subjects_streams_through_page_by_page()
    {
        const int subjects = 100_000;
        var destination = new CountingStream();
        var store = new PageWatcher(new InMemoryQuotaStore(_clock), destination);
        var quota = Monthly(store);
        for (var i = 0; i < subjects; i++)
        {
            var consumed = quota.TryConsumeAsync("api", "customer-" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(consumed.IsCompletedSuccessfully);
        }

        var written = await quota.ExportUsageAsync("api", destination, QuotaExportFormat.Csv);

        Assert.Equal(subjects, written);
        Assert.Equal(1 + (2 * subjects), destination.Lines);

        // Every page was asked for after the rows of the pages before it had been written (less one 64 KB buffer): the
        // export never holds more than a page of usage and a buffer of text, however many subjects there are.
        Assert.Equal(subjects / 1000, store.WrittenWhenAsked.Count);
        var bytesPerPage = destination.Length / store.WrittenWhenAsked.Count;
        for (var page = 0; page < store.WrittenWhenAsked.Count; page++)
        {
            Assert.True(store.WrittenWhenAsked[page] >= (page * bytesPerPage) - (96 * 1024), $"page {page} was asked for with only {store.WrittenWhenAsked[page]} bytes written");
        }
    }

    /// <summary>Records how much had been written to the destination each time a page of subjects was asked for.</summary>
    private sealed class PageWatcher(IQuotaStore inner, CountingStream destination) : DelegatingStore(inner)
    {
        public List<long> WrittenWhenAsked { get; } = [];

        public override ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default)
        {
            WrittenWhenAsked.Add(destination.Length);
            return base.ListSubjectsAsync(policy, continuation, limit, cancellationToken);
        }
    }

    /// <summary>A write-only stream that keeps nothing but counts bytes and line feeds.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public long Lines { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _length += buffer.Length;
            Lines += buffer.Count((byte)'\n');
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
