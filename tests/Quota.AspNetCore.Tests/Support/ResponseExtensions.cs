using System.Text.Json;

namespace Quota.AspNetCore.Tests.Support;

public static class ResponseExtensions
{
    /// <summary>Returns a response header exactly as received (values of repeated fields joined by ", "), or null.</summary>
    public static string? Header(this HttpResponseMessage response, string name)
        => response.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString()
            : response.Content.Headers.NonValidated.TryGetValues(name, out var contentValues) ? contentValues.ToString() : null;

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
