using System.Text.Json;
using System.Text.Json.Serialization;

namespace Quota.Samples.WebApi.Json;

/// <summary>
/// The sample's JSON, generated at compile time: under Native AOT (<c>PublishAot</c>) System.Text.Json cannot serialize
/// by reflection, so every type the endpoints answer with is listed here (web defaults: camelCase names).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CompletionBody))]
[JsonSerializable(typeof(UsageBody))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
