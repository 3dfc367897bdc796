using Microsoft.Data.Sqlite;

namespace Quota.Stores.Sqlite;

/// <summary>
/// How a string — a policy, subject key, meter name or idempotency id — is kept in the schema's <c>ANY</c> columns: a
/// well-formed string as <c>TEXT</c>, a string with a lone UTF-16 surrogate (which UTF-8 text cannot hold, and which
/// SQLite's text binding turns into U+FFFD) as a <c>BLOB</c> of its generalized UTF-8. A <c>TEXT</c> value never equals
/// a <c>BLOB</c>, and the encoding is lossless, so any two distinct strings stay two distinct values.
/// </summary>
internal static class SqliteText
{
    /// <summary>Returns the value to bind for <paramref name="value"/>.</summary>
    public static object ToValue(string value) => LosslessUtf8.IsWellFormed(value) ? value : LosslessUtf8.GetBytes(value);

    /// <summary>Reads back a string written through <see cref="ToValue"/>.</summary>
    public static string Read(SqliteDataReader reader, int ordinal)
        => reader.GetValue(ordinal) switch
        {
            string text => text,
            byte[] bytes => LosslessUtf8.GetString(bytes),
            var other => throw new InvalidDataException($"The quota store holds a {other.GetType().Name} where a name or key belongs; the file was changed outside Quota."),
        };
}
