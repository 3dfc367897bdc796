using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore.Admin;

/// <summary>Reads the small JSON body of a state-changing admin request, or says what is wrong with it.</summary>
internal static class AdminBody
{
    /// <summary>The largest body read: a reset or a grant is a few hundred bytes, even with a long reason.</summary>
    public const int MaxBytes = 16 * 1024;

    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type, string example)
        where T : class
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            // Also what keeps a cross-site HTML form out: forms can only send form, multipart or text/plain bodies.
            return (null, AdminProblems.NotJson(request.ContentType));
        }

        if (request.ContentLength > MaxBytes)
        {
            return (null, AdminProblems.TooLarge(MaxBytes));
        }

        var buffer = new byte[MaxBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        if (length > MaxBytes)
        {
            return (null, AdminProblems.TooLarge(MaxBytes));
        }

        try
        {
            return JsonSerializer.Deserialize(buffer.AsSpan(0, length), type) is { } body
                ? (body, null)
                : (null, AdminProblems.Invalid("body", $"The body is null. Send a JSON object, e.g. {example}."));
        }
        catch (JsonException ex)
        {
            return (null, AdminProblems.Invalid("body", $"The body is not the JSON object this endpoint reads (at {(string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path)}, line {ex.LineNumber + 1}): "
                + $"send only these members, strings as strings and the amount as a whole number, e.g. {example}."));
        }
    }
}
