using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Quota;

/// <summary>
/// A component's section read into its options by a <see cref="QuotaSectionReader{TOptions}"/>: configures the options
/// and, when they are validated, reports the problems found reading the very instance it filled.
/// </summary>
/// <typeparam name="TOptions">The component's options.</typeparam>
internal sealed class QuotaSectionBinding<TOptions>(IConfiguration section, QuotaSectionReader<TOptions> reader) : IConfigureOptions<TOptions>, IValidateOptions<TOptions>
    where TOptions : class
{
    private readonly ConditionalWeakTable<TOptions, IReadOnlyList<string>> _problems = [];

    public string Path => section is IConfigurationSection { Path: var path } ? path : string.Empty;

    public IConfiguration Section => section;

    public void Configure(TOptions options) => _problems.AddOrUpdate(options, reader.Read(section, options));

    public ValidateOptionsResult Validate(string? name, TOptions options)
        => name == Options.DefaultName && _problems.TryGetValue(options, out var problems) && problems.Count > 0
            ? ValidateOptionsResult.Fail(problems)
            : ValidateOptionsResult.Skip;
}
