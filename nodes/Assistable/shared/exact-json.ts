/** JSON.parse that never rounds: a number a double cannot hold exactly is kept as its text. */
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function parseExactJson(text: string): unknown {
	let out = '';
	let from = 0;
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		if (char === '"') {
			// Skip the string, escapes included.
			for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
			continue;
		}
		if (char !== '-' && (char < '0' || char > '9')) continue;
		NUMBER.lastIndex = i;
		const token = NUMBER.exec(text)?.[0];
		if (!token) continue;
		if (!isExact(token)) {
			out += `${text.slice(from, i)}${JSON.stringify(token)}`;
			from = i + token.length;
		}
		i += token.length - 1;
	}
	return JSON.parse(out + text.slice(from));
}

/** Whether Number(token) has exactly the decimal value the token writes. */
function isExact(token: string): boolean {
	const value = Number(token);
	return Number.isFinite(value) && canonical(token) === canonical(String(value));
}

/** `digits e exponent` without leading or trailing zeros, so equal decimals compare equal. */
function canonical(decimal: string): string | undefined {
	const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(decimal);
	if (!match) return undefined;
	const [, sign, whole, fraction = '', exponent = '0'] = match;
	const digits = (whole + fraction).replace(/^0+/, '');
	if (digits === '') return '0';
	const significant = digits.replace(/0+$/, '');
	const power = Number(exponent) - fraction.length + digits.length - significant.length;
	return `${sign}${significant}e${power}`;
}
