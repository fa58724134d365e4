using System.Net;

namespace Operator.IntegrationTests.Api;

/// <summary>One cell's expectation: the status, the error code when refused, and what a success shows.</summary>
internal sealed record ExpectedAnswer(HttpStatusCode Status, string? Code, bool ShowsValue, bool Empty)
{
    public bool Refused => (int)Status >= 400;

    /// <summary>"200", "200 + value", "200 (none)", "204", "403 forbidden", "401 unauthenticated".</summary>
    public static ExpectedAnswer Parse(string cell)
    {
        var parts = cell.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var status = (HttpStatusCode)int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        var refused = (int)status >= 400;
        return new ExpectedAnswer(status, refused ? parts[1] : null, cell.Contains("+ value", StringComparison.Ordinal), cell.Contains("(none)", StringComparison.Ordinal));
    }
}

/// <summary>
/// Who may do what through the REST API: every served operation (rows; a row may add a query to its route) for every
/// kind of caller (columns). The same table is in src/Operator/RestApi/README.md, where users read it; the matrix test
/// checks both that the README shows exactly this table and that the rows cover exactly the served routes.
/// </summary>
internal static class ApiAccessMatrix
{
    /// <summary>Column headers, as the table names them.</summary>
    public static readonly string[] Roles = ["admin", "editor", "viewer", "tenant admin", "stranger", "unauthenticated", "wrong audience"];

    /// <summary>The table; <c>+ value</c>: the answer carries the value; <c>(none)</c>: an empty list.</summary>
    public const string Table = """
        | Operation | admin | editor | viewer | tenant admin | stranger | unauthenticated | wrong audience |
        |---|---|---|---|---|---|---|---|
        | `PUT /v1/secret-groups` | 200 | 403 forbidden | 403 forbidden | 200 | 403 forbidden | 401 unauthenticated | 401 unauthenticated |
        | `GET /v1/secret-groups` | 200 | 200 | 200 | 200 | 200 (none) | 401 unauthenticated | 401 unauthenticated |
        | `GET /v1/secret-groups/{id}` | 200 | 200 | 200 | 200 | 403 forbidden | 401 unauthenticated | 401 unauthenticated |
        | `PUT /v1/secret-groups/{id}` | 200 | 200 | 403 forbidden | 200 | 403 forbidden | 401 unauthenticated | 401 unauthenticated |
        | `DELETE /v1/secret-groups/{id}` | 204 | 403 forbidden | 403 forbidden | 204 | 403 forbidden | 401 unauthenticated | 401 unauthenticated |
        | `GET /v1/secrets` | 200 | 200 | 200 | 200 | 200 (none) | 401 unauthenticated | 401 unauthenticated |
        | `GET /v1/secrets?with_value=true` | 200 + value | 200 + value | 403 forbidden | 200 + value | 200 (none) | 401 unauthenticated | 401 unauthenticated |
        | `GET /v1/secrets/{id}` | 200 + value | 200 + value | 200 | 200 + value | 403 forbidden | 401 unauthenticated | 401 unauthenticated |
        | `DELETE /v1/secrets/{id}` | 204 | 204 | 403 forbidden | 204 | 403 forbidden | 401 unauthenticated | 401 unauthenticated |
        | `GET /v1/secrets/{id}/versions/{version}` | 200 + value | 200 + value | 403 forbidden | 200 + value | 403 forbidden | 401 unauthenticated | 401 unauthenticated |
        """;

    /// <summary>The rows: (method, route pattern, query or "", one answer per role).</summary>
    public static IReadOnlyList<(string Method, string Route, string Query, ExpectedAnswer[] Answers)> Rows()
    {
        var lines = Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = Cells(lines[0]);
        Assert.Equal(["Operation", .. Roles], header);
        return lines.Skip(2).Select(line =>
        {
            var cells = Cells(line);
            Assert.Equal(header.Length, cells.Length);
            var operation = cells[0].Trim('`').Split(' ');
            var query = operation[1].Contains('?', StringComparison.Ordinal) ? operation[1][(operation[1].IndexOf('?', StringComparison.Ordinal) + 1)..] : "";
            var route = query.Length == 0 ? operation[1] : operation[1][..operation[1].IndexOf('?', StringComparison.Ordinal)];
            return (operation[0], route, query, cells.Skip(1).Select(ExpectedAnswer.Parse).ToArray());
        }).ToList();
    }

    private static string[] Cells(string line) => line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
}
