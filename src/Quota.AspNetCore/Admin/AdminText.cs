using NodaTime;
using NodaTime.Text;

namespace Quota.AspNetCore.Admin;

/// <summary>How the admin API writes and reads instants, and how it quotes Quota.Core's argument errors.</summary>
internal static class AdminText
{
    public const string InstantExample = "2026-11-21T23:42:50Z";

    public static string Format(Instant instant) => QuotaProblems.Format(instant);

    /// <summary>Reads an ISO-8601 instant in UTC (<c>2026-11-21T23:42:50Z</c>, fractions allowed) or with an offset.</summary>
    public static bool TryParseInstant(string text, out Instant instant)
    {
        var general = InstantPattern.ExtendedIso.Parse(text);
        if (general.Success)
        {
            instant = general.Value;
            return true;
        }

        var offset = OffsetDateTimePattern.ExtendedIso.Parse(text);
        instant = offset.Success ? offset.Value.ToInstant() : default;
        return offset.Success;
    }

    /// <summary>
    /// The message of an <see cref="ArgumentException"/> without what .NET appends to it (<c> (Parameter 'amount')</c>, and
    /// <c>Actual value was …</c> on its own line): Quota.Core's messages already say what to pass instead.
    /// </summary>
    public static string Message(ArgumentException exception)
    {
        var message = exception.Message;
        var line = message.IndexOf('\n', StringComparison.Ordinal);
        if (line >= 0)
        {
            message = message[..line].TrimEnd('\r');
        }

        var suffix = $" (Parameter '{exception.ParamName}')";
        return exception.ParamName is not null && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }
}
