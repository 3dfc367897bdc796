using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace Quota;

/// <summary>
/// Writes a usage listing (<see cref="IQuotaService.ListUsageAsync"/>) to a stream as CSV or JSON Lines for a billing
/// run, as it is read: one subject at a time, through a 64 KB buffer, so memory stays flat however many subjects there are.
/// </summary>
/// <remarks>
/// <para>
/// Instants are ISO-8601 in UTC (<c>2026-03-31T04:30:00Z</c>). Subject keys and meter names are written as they are, so
/// quote-aware readers get them back exactly; a spreadsheet may read a key that starts with <c>=</c> as a formula.
/// </para>
/// <para>
/// A key holding a lone UTF-16 surrogate (not text, but a distinct subject all the same) cannot be written in UTF-8: CSV
/// writes U+FFFD in its place, JSON Lines keeps it exactly as a <c>\uD800</c>-style escape.
/// </para>
/// </remarks>
public static class QuotaUsageExport
{
    private const int FlushAt = 64 * 1024;
    private const string CsvHeader = "policy,subject,anchor,cycle_start,cycle_end,meter,used,limit,granted,remaining";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the usages in <paramref name="format"/>.</summary>
    /// <param name="usages">The usages, e.g. <c>quota.ListUsageAsync("api")</c>.</param>
    /// <param name="destination">The stream written to; left open.</param>
    /// <param name="format">CSV or JSON Lines.</param>
    /// <param name="cancellationToken">Cancels the export; what was written stays written.</param>
    /// <returns>The number of subjects written.</returns>
    public static Task<long> WriteAsync(IAsyncEnumerable<QuotaUsage> usages, Stream destination, QuotaExportFormat format, CancellationToken cancellationToken = default)
        => format switch
        {
            QuotaExportFormat.Csv => WriteCsvAsync(usages, destination, cancellationToken),
            QuotaExportFormat.JsonLines => WriteJsonLinesAsync(usages, destination, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Pass QuotaExportFormat.Csv or QuotaExportFormat.JsonLines."),
        };

    /// <summary>
    /// Writes the usages as CSV, a header and then one row per subject and meter (every meter used or limited in the
    /// cycle; a subject without any gets one row with an empty meter). <c>limit</c> and <c>remaining</c> are empty for a
    /// meter without an allowance; <c>limit</c> includes <c>granted</c>.
    /// </summary>
    /// <param name="usages">The usages.</param>
    /// <param name="destination">The stream written to; left open.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The number of subjects written.</returns>
    public static async Task<long> WriteCsvAsync(IAsyncEnumerable<QuotaUsage> usages, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(usages);
        ArgumentNullException.ThrowIfNull(destination);
        var writer = new StreamWriter(destination, Utf8, FlushAt, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            var line = new StringBuilder(256);
            line.Append(CsvHeader).Append("\r\n");
            long subjects = 0;
            await foreach (var usage in usages.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                AppendCsv(line, usage);
                subjects++;
                if (line.Length >= FlushAt / 2)
                {
                    await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                    line.Clear();
                }
            }

            await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            return subjects;
        }
    }

    /// <summary>
    /// Writes the usages as JSON Lines, one object per subject:
    /// <c>{"policy":…,"subject":…,"anchor":…,"cycleStart":…,"cycleEnd":…,"meters":[{"meter":…,"used":…,"limit":…,"granted":…,"remaining":…}],"grants":[{"meter":…,"amount":…,"reason":…,"grantedAt":…}],"alerts":[{"meter":…,"percent":…,"firedAt":…}]}</c>.
    /// <c>limit</c> and <c>remaining</c> are <c>null</c> for a meter without an allowance; <c>limit</c> includes <c>granted</c>.
    /// </summary>
    /// <param name="usages">The usages.</param>
    /// <param name="destination">The stream written to; left open.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The number of subjects written.</returns>
    public static async Task<long> WriteJsonLinesAsync(IAsyncEnumerable<QuotaUsage> usages, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(usages);
        ArgumentNullException.ThrowIfNull(destination);
        var buffer = new ArrayBufferWriter<byte>(FlushAt * 2);
        using var json = new Utf8JsonWriter(buffer, JsonOptions);
        long subjects = 0;
        await foreach (var usage in usages.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            json.Reset();
            WriteJson(json, usage);
            json.Flush();
            buffer.Write("\n"u8);
            subjects++;
            if (buffer.WrittenCount >= FlushAt)
            {
                await destination.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                buffer.ResetWrittenCount();
            }
        }

        await destination.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        return subjects;
    }

    private static void AppendCsv(StringBuilder line, QuotaUsage usage)
    {
        var prefix = line.Length;
        AppendField(line, usage.Policy).Append(',');
        AppendField(line, usage.Key).Append(',');
        line.Append(Format(usage.AnchorDate)).Append(',').Append(Format(usage.Cycle.Start)).Append(',').Append(Format(usage.Cycle.End)).Append(',');
        var common = line.ToString(prefix, line.Length - prefix);
        var meters = MetersOf(usage);
        if (meters.Count == 0)
        {
            line.Append(",,,,\r\n");
            return;
        }

        for (var i = 0; i < meters.Count; i++)
        {
            if (i > 0)
            {
                line.Append(common);
            }

            var meter = meters[i];
            AppendField(line, meter).Append(',');
            line.Append(usage.Meters.GetValueOrDefault(meter).ToString(CultureInfo.InvariantCulture)).Append(',');
            if (usage.Limits.TryGetValue(meter, out var limit))
            {
                line.Append(limit.ToString(CultureInfo.InvariantCulture));
            }

            line.Append(',').Append(usage.Granted.GetValueOrDefault(meter).ToString(CultureInfo.InvariantCulture)).Append(',');
            if (usage.Remaining.TryGetValue(meter, out var remaining))
            {
                line.Append(remaining.ToString(CultureInfo.InvariantCulture));
            }

            line.Append("\r\n");
        }
    }

    /// <summary>Appends a field, quoted (RFC 4180) when it holds a comma, quote, line break, or space at either end.</summary>
    private static StringBuilder AppendField(StringBuilder line, string value)
    {
        var quote = value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])));
        return quote ? line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"') : line.Append(value);
    }

    private static void WriteJson(Utf8JsonWriter json, QuotaUsage usage)
    {
        json.WriteStartObject();
        json.WritePropertyName("policy");
        WriteText(json, usage.Policy);
        json.WritePropertyName("subject");
        WriteText(json, usage.Key);
        json.WriteString("anchor", Format(usage.AnchorDate));
        json.WriteString("cycleStart", Format(usage.Cycle.Start));
        json.WriteString("cycleEnd", Format(usage.Cycle.End));
        json.WriteStartArray("meters");
        foreach (var meter in MetersOf(usage))
        {
            json.WriteStartObject();
            json.WritePropertyName("meter");
            WriteText(json, meter);
            json.WriteNumber("used", usage.Meters.GetValueOrDefault(meter));
            WriteOptional(json, "limit", usage.Limits.TryGetValue(meter, out var limit) ? limit : null);
            json.WriteNumber("granted", usage.Granted.GetValueOrDefault(meter));
            WriteOptional(json, "remaining", usage.Remaining.TryGetValue(meter, out var remaining) ? remaining : null);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("grants");
        foreach (var grant in usage.Grants)
        {
            json.WriteStartObject();
            json.WritePropertyName("meter");
            WriteText(json, grant.Meter);
            json.WriteNumber("amount", grant.Amount);
            json.WritePropertyName("reason");
            WriteText(json, grant.Reason);
            json.WriteString("grantedAt", Format(grant.GrantedAt));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("alerts");
        foreach (var alert in usage.Alerts)
        {
            json.WriteStartObject();
            json.WritePropertyName("meter");
            WriteText(json, alert.Meter);
            json.WriteNumber("percent", alert.Percent);
            json.WriteString("firedAt", Format(alert.FiredAt));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>
    /// Writes a string value exactly. Utf8JsonWriter replaces a lone surrogate with U+FFFD, which would merge distinct
    /// subjects; such a string is escaped here instead (JSON allows <c>\uD800</c>), the rest as usual.
    /// </summary>
    private static void WriteText(Utf8JsonWriter json, string value)
    {
        if (LosslessUtf8.IsWellFormed(value))
        {
            json.WriteStringValue(value);
            return;
        }

        var escaped = new StringBuilder(value.Length + 16).Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                escaped.Append(c).Append(value[++i]);
            }
            else if (c < 0x20 || c is '"' or '\\' || char.IsSurrogate(c))
            {
                escaped.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        json.WriteRawValue(escaped.Append('"').ToString(), skipInputValidation: true);
    }

    /// <summary>Every meter used or limited in the cycle, in ordinal order.</summary>
    private static List<string> MetersOf(QuotaUsage usage)
    {
        var meters = new List<string>(usage.Meters.Count + usage.Limits.Count);
        meters.AddRange(usage.Meters.Keys);
        foreach (var meter in usage.Limits.Keys)
        {
            if (!usage.Meters.ContainsKey(meter))
            {
                meters.Add(meter);
            }
        }

        meters.Sort(StringComparer.Ordinal);
        return meters;
    }

    private static string Format(Instant instant) => InstantPattern.ExtendedIso.Format(instant);
}
