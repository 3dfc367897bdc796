namespace Quota.Samples.WebApi.Json;

/// <summary>The answer of <c>POST /completions</c>.</summary>
public sealed record CompletionBody(string Completion, int Tokens);
