// Prints one plain closing line, "tests: N passed, N failed[, N skipped]", as the very last output.
class SummaryReporter {
	onRunComplete(_contexts, results) {
		const skipped = results.numPendingTests + results.numTodoTests;
		const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
		process.once('exit', () => process.stderr.write(`${line}\n`));
	}
}
module.exports = SummaryReporter;
