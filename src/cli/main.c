#include <stdio.h>
int main(void) { puts("bosun " BOSUN_VERSION); return 0; }
