const path = require('path');
const { task, src, dest } = require('gulp');

// Copies the SVG icons next to the compiled code, where the `file:` icon paths point.
task('build:icons', () => src(path.join('icons', '*.svg'), { encoding: false }).pipe(dest(path.join('dist', 'icons'))));
