using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Operator.Templates;

/// <summary>
/// Liquid ranges, bounded: Fluid turns (1..n) into an array before the loop's first step, so MaxSteps alone would not
/// stop (1..100000000) from taking memory and time; a range of more than <see cref="MaxLength"/> numbers fails instead.
/// </summary>
internal sealed class BoundedRanges : AstRewriter
{
    public const int MaxLength = 10_000;

    protected override Expression VisitRangeExpression(RangeExpression rangeExpression)
    {
        ArgumentNullException.ThrowIfNull(rangeExpression);
        return new BoundedRange(rangeExpression.From, rangeExpression.To);
    }

    private sealed class BoundedRange(Expression from, Expression to) : Expression
    {
        public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
        {
            var start = (await from.EvaluateAsync(context).ConfigureAwait(false)).ToNumberValue();
            var end = (await to.EvaluateAsync(context).ConfigureAwait(false)).ToNumberValue();
            if (end - start >= MaxLength)
            {
                throw new TemplateFailure($"a range of more than {MaxLength} numbers", "..");
            }

            return await new RangeExpression(from, to).EvaluateAsync(context).ConfigureAwait(false);
        }
    }
}
