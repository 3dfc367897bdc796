using System.Text.Json;
using System.Text.Json.Serialization;

namespace Quota.AspNetCore.Admin;

/// <summary>
/// The admin API's JSON, generated at build time (no reflection, so trimming and AOT keep it): camelCase names, and request
/// bodies whose unknown members are refused rather than ignored, so a misspelt <c>"ammount"</c> is an error.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(PoliciesBody))]
[JsonSerializable(typeof(UsageBody))]
[JsonSerializable(typeof(UsagePageBody))]
[JsonSerializable(typeof(AlertsPageBody))]
[JsonSerializable(typeof(ResetRequest))]
[JsonSerializable(typeof(GrantRequest))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
