using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Quota;

/// <summary>
/// Validates the options of the store in use (registered by <c>UseStore&lt;TOptions, TValidator&gt;</c>) as part of
/// Quota's own options, so that a store's problems are listed in the same exception as every other configuration
/// problem, instead of one exception per options type.
/// </summary>
internal sealed class QuotaStoreOptionsCheck
{
    private readonly Func<IServiceProvider, IEnumerable<string>> _problems;

    private QuotaStoreOptionsCheck(Func<IServiceProvider, IEnumerable<string>> problems) => _problems = problems;

    // IOptions<T> creates T with its parameterless constructor: trimming must keep it.
    public static QuotaStoreOptionsCheck For<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>()
        where TOptions : class
        => new(static services =>
        {
            try
            {
                _ = services.GetRequiredService<IOptions<TOptions>>().Value;
                return [];
            }
            catch (OptionsValidationException ex)
            {
                return ex.Failures;
            }
        });

    /// <summary>Returns the store options' problems; empty when they are valid.</summary>
    public IEnumerable<string> Problems(IServiceProvider services) => _problems(services);
}
