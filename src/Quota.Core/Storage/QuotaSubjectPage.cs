namespace Quota;

/// <summary>One page of a policy's subjects, as a store lists them (<see cref="IQuotaStore.ListSubjectsAsync"/>).</summary>
public sealed class QuotaSubjectPage
{
    /// <summary>Initializes a page.</summary>
    /// <param name="subjects">The subjects, each once, in the store's listing order.</param>
    /// <param name="continuation">Where the next page starts, or <see langword="null"/> when this is the last page.</param>
    public QuotaSubjectPage(IReadOnlyList<QuotaStoredSubject> subjects, string? continuation)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        Subjects = subjects;
        Continuation = continuation;
    }

    /// <summary>Gets the page's subjects.</summary>
    public IReadOnlyList<QuotaStoredSubject> Subjects { get; }

    /// <summary>
    /// Gets the opaque token that asks the store for the next page, or <see langword="null"/> when there is none. Only the
    /// store that issued it understands it. Quota's stores issue plain ASCII that is safe in a URL.
    /// </summary>
    public string? Continuation { get; }
}
