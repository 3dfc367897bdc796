namespace Quota.Stores.Sqlite;

/// <summary>One SQL statement the store prepares once per connection, with its parameters in binding order.</summary>
/// <param name="Id">The statement's slot in a connection's cache of prepared statements.</param>
/// <param name="Sql">The statement. Every value is a parameter; nothing is ever spliced in.</param>
/// <param name="Parameters">The parameter names, in the order <see cref="SqliteStatement"/> binds them by index.</param>
internal sealed record SqlText(int Id, string Sql, params string[] Parameters);
